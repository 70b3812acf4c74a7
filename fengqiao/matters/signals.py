"""Domain signals of the matters app, for other apps to react without matters importing them."""

from django.dispatch import Signal

# Sent inside the registration transaction with `matter=`; a receiver's writes commit or roll back with it.
matter_registered = Signal()

from django.contrib import admin

from fengqiao.notifications.models import Notification

admin.site.register(Notification)

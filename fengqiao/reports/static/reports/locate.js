// Adds the phone's location to the report form, only when the resident presses the button (no network use
// beyond the browser's own location service; nothing is loaded from the internet).
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  var form = button.form;
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done.replace("%(metres)s", Math.round(position.coords.accuracy));
      },
      function () {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();

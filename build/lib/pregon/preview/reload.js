// Preview only, never in the published site: reloads the page when the site has been rebuilt.
const events = new EventSource("/__pregon/events");
let seen = null;
events.addEventListener("message", (event) => {
  if (seen !== null && event.data !== seen) window.location.reload();
  seen = event.data;
});

/* The field app's service worker: keeps the app's own files so it opens without network.
   It never keeps an answer of the API: the user's children are kept by the page itself
   (IndexedDB) and deleted at logout. Workbox is vendored under /app/static/vendor/workbox. */
importScripts('/app/static/vendor/workbox/workbox-sw.js');
workbox.setConfig({modulePathPrefix: '/app/static/vendor/workbox/', debug: false});
workbox.core.setCacheNameDetails({prefix: 'aixin-app'});
workbox.core.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.precacheAndRoute(self.__PRECACHE);
workbox.precaching.cleanupOutdatedCaches();
workbox.routing.registerRoute(new workbox.routing.NavigationRoute(
  workbox.precaching.createHandlerBoundToURL('/app/'), {allowlist: [/^\/app\/?$/]}));

/* proxy.h - the request-processing path of the seed's proxy server: for
 * every HTTP request it proxies, it makes a request object (about 1 KB,
 * the seed's figure), stores it in a bounded history under a mutex and
 * publishes an event on the event bus.  No sockets: the path the seed
 * times ("mutex, request object, history storage, event publishing",
 * 1.7 us in all) is what is measured.  Thread-safe.
 */
#ifndef EVENTBUS_PROXY_H
#define EVENTBUS_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "eventbus.h"

/* The event type the proxy publishes (the seed's MCPActivity). */
#define PROXY_EVENT_TYPE 7u

typedef struct proxy_request {
	uint64_t id;         /* 0, 1, 2, ... in arrival order */
	uint64_t start_ns;   /* CLOCK_MONOTONIC when processing began */
	uint64_t duration_ns;
	uint64_t bytes;
	int status;
	char method[12];
	char url[256];
	char headers[720]; /* a copy of the request's headers, as text */
} proxy_request;

typedef struct proxy proxy;

/* A proxy that keeps the newest `history` requests (0: 1000) and
 * publishes on `bus` (borrowed; it must outlive the proxy).  Returns 0
 * and *out (free with proxy_free) or -ENOMEM. */
int proxy_new(eventbus *bus, size_t history, proxy **out);
void proxy_free(proxy *p);

/* Processes one request: builds its object, stores it (evicting the
 * oldest), publishes {type PROXY_EVENT_TYPE, id, payload = status,
 * bytes}.  Returns 0, -ENOMEM or the bus's error. */
int proxy_process_request(proxy *p, const char *method, const char *url, const char *headers,
                          int status, uint64_t duration_ns, uint64_t bytes);

/* Requests processed, and how many the history holds now. */
uint64_t proxy_requests(proxy *p);
size_t proxy_history_count(proxy *p);

#endif

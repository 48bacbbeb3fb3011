/* proxy.c - the proxy's request-processing path (proxy.h).
 *
 * The mutex guards the history, a ring of the newest requests (head =
 * oldest, count) and the id counter.  The event is published after the
 * unlock, so a slow bus never holds up other requests' storage.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

struct proxy {
	eventbus *bus;
	pthread_mutex_t mu;
	proxy_request **ring;
	size_t cap, head, count;
	uint64_t next_id;
};

int proxy_new(eventbus *bus, size_t history, proxy **out)
{
	proxy *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->bus = bus;
	p->cap = history ? history : 1000;
	p->ring = calloc(p->cap, sizeof *p->ring);
	if (!p->ring) {
		free(p);
		return -ENOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return 0;
}

void proxy_free(proxy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		free(p->ring[(p->head + i) % p->cap]);
	free(p->ring);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int proxy_process_request(proxy *p, const char *method, const char *url, const char *headers,
                          int status, uint64_t duration_ns, uint64_t bytes)
{
	proxy_request *r = malloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	r->start_ns = eventbus_now_ns();
	r->duration_ns = duration_ns;
	r->bytes = bytes;
	r->status = status;
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->url, sizeof r->url, "%s", url);
	snprintf(r->headers, sizeof r->headers, "%s", headers ? headers : "");

	proxy_request *old = NULL;
	pthread_mutex_lock(&p->mu);
	r->id = p->next_id++;
	if (p->count == p->cap) {
		old = p->ring[p->head];
		p->ring[p->head] = r;
		p->head = (p->head + 1) % p->cap;
	} else {
		p->ring[(p->head + p->count++) % p->cap] = r;
	}
	eventbus_event ev = {
		.id = r->id,
		.type = PROXY_EVENT_TYPE,
		.payload = {(uint64_t)status, bytes},
	};
	pthread_mutex_unlock(&p->mu);
	free(old);
	return eventbus_publish(p->bus, &ev);
}

uint64_t proxy_requests(proxy *p)
{
	pthread_mutex_lock(&p->mu);
	uint64_t n = p->next_id;
	pthread_mutex_unlock(&p->mu);
	return n;
}

size_t proxy_history_count(proxy *p)
{
	pthread_mutex_lock(&p->mu);
	size_t n = p->count;
	pthread_mutex_unlock(&p->mu);
	return n;
}

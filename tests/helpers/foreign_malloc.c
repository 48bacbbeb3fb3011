/* foreign_malloc.c - a malloc family of "the user's" for test_alloc: a
 * shared object to LD_PRELOAD ahead of tach's counting one, forwarding to
 * glibc, so that the counting process finds another malloc first. */
#include <stddef.h>

void *__libc_malloc(size_t n);
void __libc_free(void *p);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void *memalign(size_t align, size_t n);

void *malloc(size_t n)
{
	return __libc_malloc(n);
}

void free(void *p)
{
	__libc_free(p);
}

void *calloc(size_t n, size_t size)
{
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
	return __libc_memalign(align, n);
}

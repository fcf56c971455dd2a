/* Stub of the C library's string.h, for type-checking only (.ci/macos/lane): the few functions
 * ring's C code calls, declared as the C standard does. Never linked or run. */
#ifndef CI_STUB_STRING_H
#define CI_STUB_STRING_H
#include <stddef.h>
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif

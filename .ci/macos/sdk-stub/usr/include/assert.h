/* Stub of the C library's assert.h, for type-checking only (.ci/macos/lane): enough for ring's
 * C code to compile against no real macOS SDK. Never linked or run. */
#ifndef CI_STUB_ASSERT_H
#define CI_STUB_ASSERT_H
#define assert(e) ((void)0)
#define static_assert _Static_assert
#endif

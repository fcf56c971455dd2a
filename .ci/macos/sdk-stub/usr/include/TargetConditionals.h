/* Stub of the Apple SDK's TargetConditionals.h, for type-checking only (.ci/macos/lane).
 * ring's C code includes it on __APPLE__ to tell macOS from iOS; these are macOS's values.
 * Nothing compiled against this stub SDK is ever linked or run. */
#ifndef CI_STUB_TARGETCONDITIONALS_H
#define CI_STUB_TARGETCONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_SIMULATOR 0
#define TARGET_CPU_ARM64 1
#endif

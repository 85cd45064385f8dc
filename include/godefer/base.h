/* godefer/base.h: how godefer.h is compiled: linkage, attribute shorthands, the
 * sanitizers it must know of, and the GCC warnings its frames would raise. */
#ifndef GODEFER_BASE_H
#define GODEFER_BASE_H

#ifndef GODEFER_H
#error "include <godefer.h>, not godefer/base.h"
#endif

#if defined(GODEFER_BUILD) && defined(__GNUC__)
#define GO_API __attribute__((visibility("default")))
#else
#define GO_API
#endif
#define GO__NORETURN __attribute__((noreturn))
#ifdef __cplusplus /* the C API from C++ (godefer.hpp) */
#define GO__EXTERN_C_BEGIN extern "C" {
#define GO__EXTERN_C_END }
#else
#define GO__EXTERN_C_BEGIN
#define GO__EXTERN_C_END
#endif
#define GO__INLINE static inline __attribute__((always_inline))

#if defined(__SANITIZE_THREAD__)
#define GO__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GO__TSAN 1
#endif
#endif
#if defined(__GNUC__) && !defined(__clang__) && !defined(GODEFER_KEEP_WARNINGS)
/* With a returns_twice call in every frame, GCC gives every call of the function an edge
 * to every frame's recovery point.  Two warnings then flag variables that merely live
 * across a frame: -Wclobbered (-Wextra), and -Wmaybe-uninitialized (-Wall) for a variable
 * of a later part of the function, such as the index of a second loop that holds a frame
 * (its edges come from calls made before the variable exists).  GCC reports both at the
 * variable, outside anything godefer's macros expand to, so they are off from here to the
 * end of the including file; the real rule is godefer.h's volatile rule.  Define
 * GODEFER_KEEP_WARNINGS before including godefer.h to keep them.  (-flto: the link step,
 * which reports them again, sees no pragma; go_frame's expansion avoids the copies that
 * made GCC report a later loop's index: see go_frame.) */
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#endif /* GODEFER_BASE_H */

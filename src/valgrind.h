/* Valgrind's client requests (a few instructions that do nothing natively), where its
 * headers were found at build time; without them, requests that do nothing. */
#ifndef GODEFER_SRC_VALGRIND_H
#define GODEFER_SRC_VALGRIND_H

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define GO__VALGRIND 1
#endif
#endif
#ifndef GO__VALGRIND
#define RUNNING_ON_VALGRIND 0
#define VALGRIND_DISABLE_ERROR_REPORTING
#define VALGRIND_ENABLE_ERROR_REPORTING
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

#endif

/* godefer/checks.h: the bounds checks' helpers (go_index, go_check_slice, ...). */
#ifndef GODEFER_CHECKS_H
#define GODEFER_CHECKS_H

#ifndef GODEFER_H
#error "include <godefer.h>, not godefer/checks.h"
#endif

/* Whether an integer expression has a signed type (after the usual promotions). */
#define go__signed(x_) _Generic((x_) + 0, int: 1, long: 1, long long: 1, default: 0)
/* x as Go's unsigned comparison sees it: a negative signed value is huge. */
#define go__ux(x_) ((uint64_t)(int64_t)(x_))
#define go__bfail(k_, x_, y_)                                                         \
    (go__signed(x_) ? go_panic_bounds((k_), (int64_t)(x_), (int64_t)(y_))             \
                    : go_panic_bounds_u((k_), (uint64_t)(x_), (int64_t)(y_)))

/* Go's check x <= y, both as unsigned (y a bound, x a bound or an index past it), else
 * the bounds error k(x, y).  The slice checks are a chain of these, in Go's order: the
 * upper bound against the capacity first, then each bound against the next. */
#define go__bcheck(k_, x_, y_)                                                        \
    do {                                                                              \
        if (__builtin_expect(go__ux(x_) > go__ux(y_), 0)) go__bfail((k_), x_, y_);    \
    } while (0)

#define go__check_slice(k_, lo_, hi_, cap_)                                           \
    __extension__({                                                                   \
        __typeof__((lo_) + 0) go__lo_ = (lo_);                                        \
        __typeof__((hi_) + 0) go__hi_ = (hi_);                                        \
        int64_t go__c_ = (int64_t)(cap_);                                             \
        go__bcheck((k_), go__hi_, go__c_);                                            \
        go__bcheck(GO_BOUNDS_SLICE_B, go__lo_, go__hi_);                              \
    })

#define go__check_slice3(k_, lo_, hi_, max_, cap_)                                    \
    __extension__({                                                                   \
        __typeof__((lo_) + 0) go__lo_ = (lo_);                                        \
        __typeof__((hi_) + 0) go__hi_ = (hi_);                                        \
        __typeof__((max_) + 0) go__mx_ = (max_);                                      \
        int64_t go__c_ = (int64_t)(cap_);                                             \
        go__bcheck((k_), go__mx_, go__c_);                                            \
        go__bcheck(GO_BOUNDS_SLICE3_B, go__hi_, go__mx_);                             \
        go__bcheck(GO_BOUNDS_SLICE3_C, go__lo_, go__hi_);                             \
    })

#endif /* GODEFER_CHECKS_H */

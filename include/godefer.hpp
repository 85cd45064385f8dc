/*
 * godefer.hpp: Go's defer, panic and recover for C++17 (GCC >= 10, Clang >= 11), header
 * only, over the C library (link libgodefer, as for godefer.h).
 *
 *   #include <godefer.hpp>
 *
 *   int parse(const char *path) {
 *       return go::frame([&](go::scope &s) {      // a defer frame around the lambda
 *           FILE *f = fopen(path, "r");
 *           if (!f) go::panic(go_errorf("open %s", path));
 *           s.defer([f] { fclose(f); });          // runs however the lambda is left
 *           return parse_file(f);                 // may go::panic
 *       });
 *   }
 *
 * go::frame(f) calls f(scope) and returns what f returned.  Calls deferred with
 * scope.defer run when f is left (a return, a panic, a C++ exception), newest first; they
 * accumulate in loops.  A deferred callable that calls go::recover() directly (below)
 * while a panic runs it stops the panic: the frame runs its remaining deferred calls and
 * go::frame returns, with f's result if f had returned before the panic began, else the
 * result type's value-initialized R{} (Go's zero results; Go's named results are
 * variables that f and the deferred callables capture by reference).
 *
 * A recovery unwinds the C++ frames between the panic and go::frame (their destructors
 * run: docs/api.md, "Recovery through C++ frames"), so no volatile rule applies here.
 * The rules are docs/api.md's "C++" section; in short:
 *  - go::recover() recovers only when its caller is the deferred callable itself (a
 *    lambda's body, a functor's operator(), a function passed by pointer), not a lambda
 *    or function that this calls; a function that calls go::recover() is never inlined.
 *  - A deferred callable must not throw a C++ exception (as a destructor must not).  It
 *    may panic; declaring it noexcept ends a panic that an outer frame would recover in
 *    std::terminate (reported as a fatal error), as any noexcept function in between.
 *  - A C++ exception leaving f runs the frame's deferred calls, then goes on.  A panic
 *    from one of those calls can be recovered only inside that call (C++'s rule that a
 *    destructor run by an exception must not exit by one).
 *  - The deferred calls run after f returned: a callable must not hold the address of a
 *    local of f (capture f's locals by value).  scope.defer checks it: a trivially
 *    copyable callable holding an address in f's stack frame, or in a function f called,
 *    is a fatal error there.  It cannot see an address kept elsewhere (in a heap object,
 *    a std::string capture's callable, a padded capture under Clang).
 */
#ifndef GODEFER_HPP
#define GODEFER_HPP

#include <godefer.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace go {

using any = go_any;

/* ---- values ---------------------------------------------------------------------- */

/* A value for panic, by type: strings (kept by pointer: a literal or storage that
 * outlives the panic), integers, floats, bools; go_any as it is. */
inline any value(any v) noexcept { return v; }
inline any value(const char *s) noexcept { return go_str(s); }
inline any value(bool b) noexcept { return go_bool(b); }
template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
inline any value(T i) noexcept {
    if constexpr (std::is_signed_v<T>)
        return go_int(static_cast<int64_t>(i));
    else
        return go_uint(static_cast<uint64_t>(i));
}
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
inline any value(T f) noexcept {
    return go_float(static_cast<double>(f));
}

/* errors.New (kept by pointer) and fmt.Sprint of a value. */
inline any error(const char *msg) noexcept { return go_error(msg); }
inline std::string sprint(any v) {
    char buf[256];
    std::size_t n = go_sprint(buf, sizeof buf, v);
    if (n < sizeof buf) return std::string(buf, n);
    std::string s(n, '\0');
    go_sprint(&s[0], n + 1, v);
    return s;
}

/* ---- panic and recover ----------------------------------------------------------- */

/* panic(v) with value(v); a std::string is copied (godefer owns the copy, as go_panicf's
 * string: go_any_release once recovered). */
template <class T> [[noreturn]] inline void panic(const T &v) { go_panic(value(v)); }
[[noreturn]] inline void panic(const std::string &s) { go_panicf("%s", s.c_str()); }

/* recover(): the current panic's value when the caller is the deferred callable that the
 * panic is running, else nil (not panicking, called by a helper of the deferred callable,
 * during go_goexit, or a second time).  Inlined into its caller, whose return address and
 * code decide "the deferred callable itself" (src/panic.c, called_directly).  The caller
 * must not be inlined: a dynamic alloca makes GCC and Clang refuse to inline it (an
 * always_inline callee may hold one, its callers not).  The place (function, line) makes
 * its code differ from any other's: identical code folding would otherwise make one of
 * two identical callables a jump to the other, which then never recovers. */
#ifndef __cpp_exceptions
/* -fno-exceptions: code without landing pads, whose destructors a recovery's unwind cannot
 * run (it would skip them, as longjmp does).  Defer and panic remain; recover is refused. */
template <class T = void> any recover(const char * = nullptr, int = 0) noexcept {
    static_assert(sizeof(T) == 0, "go::recover() needs C++ exceptions: a recovery unwinds "
                                  "the C++ frames on the way to run their destructors, and "
                                  "-fno-exceptions code has no way to run them (docs/api.md)");
    return go_nil();
}
#else
__attribute__((always_inline)) inline any recover(const char *fn = __builtin_FUNCTION(),
                                                  int line = __builtin_LINE()) noexcept {
    const char *volatile place_fn = fn;
    volatile int place_line = line;
    volatile std::size_t none = 0;
    void *barrier = __builtin_alloca(none);
    __asm__ volatile("" : : "r"(barrier), "m"(place_fn), "m"(place_line));
    any r = go__recover(__builtin_return_address(0));
    __asm__ volatile("" ::: "memory"); /* no tail call: go__recover returns into the caller */
    return r;
}
#endif

/* ---- frames and deferred calls ---------------------------------------------------- */

class scope;
template <class F> auto frame(F &&f);

namespace detail {

/* The deferred callable's own code: r->fn, called as void (*)(void *) with the object
 * as `this` (the Itanium ABI passes it as the first argument), so that go::recover's
 * caller is the function that the record names, as a C deferred function is. */
template <class T> inline void (*member_code())(void) {
    static_assert(!std::is_polymorphic_v<T>,
                  "scope.defer(c): c's class must not be polymorphic (a virtual operator() "
                  "has no code address); defer a lambda that calls it");
    auto pmf = &T::operator();
    struct {
        void (*fn)(void);
        std::ptrdiff_t adj;
    } rep;
    static_assert(sizeof pmf == sizeof rep, "Itanium C++ ABI member pointers");
    std::memcpy(&rep, &pmf, sizeof rep);
    if (rep.adj != 0)
        go_panic(go_str("go::scope::defer: operator() of a base class at an offset"));
    return rep.fn;
}

/* The check that a deferred callable holds no address of a local of go::frame's f (dead
 * when the call runs after f returned).  It reads the copy's words, so only where every
 * byte is a value's: a trivially copyable callable whose padding GCC clears, or Clang
 * says it has none (a float or a padded capture is then not read); not an empty one. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_clear_padding)
#define GO__HPP_CLEAR_PADDING 1
#endif
#endif
template <class T>
inline constexpr bool checked = std::is_trivially_copyable_v<T> && !std::is_empty_v<T> &&
#ifdef GO__HPP_CLEAR_PADDING
                                true;
#else
                                std::has_unique_object_representations_v<T>;
#endif

/* An address below every local of the caller: the stack pointer here.  (Read inline, it
 * may be read before the caller's frame is allocated: an asm has no tie to it.) */
__attribute__((noinline, const)) inline std::uintptr_t below_caller() noexcept {
    std::uintptr_t sp;
#if defined(__x86_64__)
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#else
    sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
#endif
    return sp;
}

/* The calling function's CFA, above all of its frame.  Clang's __builtin_dwarf_cfa is
 * opaque to its optimizer (the frame's count was reloaded after go__enter): on x86_64
 * the frame pointer that __builtin_frame_address sets up, plus the saved one and the
 * return address. */
#if defined(__clang__) && defined(__x86_64__)
#define GO__HPP_CFA() (static_cast<char *>(__builtin_frame_address(0)) + 2 * sizeof(void *))
#else
#define GO__HPP_CFA() __builtin_dwarf_cfa()
#endif

/* A word of the copy *p lying on the stack between the caller and top, run's CFA: in
 * run's frame (where f may be inlined), in f's or in one f called, all gone when the
 * deferred calls run (the enclosing function's locals lie above top).  top below the
 * caller (a scope used on another stack): nothing is checked. */
template <class T> inline void check_captures(T *p, std::uintptr_t top) {
    if constexpr (checked<T>) {
#ifdef GO__HPP_CLEAR_PADDING
        __builtin_clear_padding(p);
#endif
        std::uintptr_t lo = below_caller();
        std::uintptr_t span = top > lo ? top - lo : 0;
        for (std::size_t i = 0; i + sizeof(void *) <= sizeof(T); i += sizeof(void *)) {
            std::uintptr_t w;
            std::memcpy(&w, reinterpret_cast<const unsigned char *>(p) + i, sizeof w);
            if (__builtin_expect(w - lo < span, 0))
                go__fatal_misuse("go::scope::defer: the deferred callable holds the address of "
                                 "a local of go::frame's function, which is gone when the "
                                 "call runs; capture it by value");
        }
    }
}

/* A callable stored in the record's arg word (trivially copyable, at most a pointer). */
template <class T>
inline constexpr bool in_record = std::is_trivially_copyable_v<T> &&
                                  sizeof(T) <= sizeof(void *) && alignof(T) <= alignof(void *);

/* Records' calls (go__rec.call): the library runs a record as call(record), and call
 * runs fn, the callable's code, on the object.  None is noexcept: a recovery's unwind
 * passes through them. */
inline void call_fnptr(const go__rec *r) { r->fn(); }
inline void call_in_record(const go__rec *r) {
    reinterpret_cast<void (*)(void *)>(r->fn)(const_cast<void **>(&r->arg));
}
inline void call_in_pool(const go__rec *r) {
    reinterpret_cast<void (*)(void *)>(r->fn)(r->arg);
}
template <class T> void call_and_destroy(const go__rec *r) {
    struct destroy { /* the copy, after the call, also when a panic unwinds it */
        void *p;
        ~destroy() {
            if (p) static_cast<T *>(p)->~T(); /* NULL: the library's probe (thunk_ra) */
        }
    } d{r->arg};
    call_in_pool(r);
}

/* The frame's cleanup on the unwinding paths, as go_frame's cleanup attribute in C: runs
 * the deferred calls when a C++ exception leaves f, and lands a recovery's unwind
 * (go__leave: the GO__UNWIND flag).  run leaves the frame itself on the normal path, while
 * the guard still lives: a deferred call's panic that this frame recovers then lands here
 * too, not at run's caller after destroying f's result.  Only ever called by unwinding
 * (else the frame is left), where C++ allows no exception out of a destructor anyway. */
struct guard {
    go__frame fr;
    guard() = default;
    guard(const guard &) = delete;
    ~guard() { go__leave(&fr); }
};

/* f's result once f returned: a recovery returns it (a panic in a deferred call, after
 * the return) or R{} (a panic in f). */
template <class R> struct result {
    static_assert(!std::is_reference_v<R>, "go::frame: f must not return a reference");
    static_assert(std::is_default_constructible_v<R>,
                  "go::frame: f's result must have a zero value, R{}, for a recovery");
    alignas(R) unsigned char buf[sizeof(R)];
    bool has = false;
    template <class F> void set(F &f, scope &s) {
        ::new (static_cast<void *>(buf)) R(f(s));
        has = true;
    }
    R take() {
        if (!has) return R{};
        R *p = std::launder(reinterpret_cast<R *>(buf));
        R v(std::move(*p));
        p->~R();
        has = false;
        return v;
    }
    ~result() {
        if (has) std::launder(reinterpret_cast<R *>(buf))->~R();
    }
};
template <> struct result<void> {
    template <class F> void set(F &f, scope &s) { f(s); }
    void take() {}
};

template <class R, class F> __attribute__((noinline)) R run(F &f);

} // namespace detail

/* The handle of the frame that go::frame opened: scope.defer adds a call to it. */
class scope {
  public:
    scope(const scope &) = delete;
    scope &operator=(const scope &) = delete;

    /* defer c(): c is copied (or moved) now, as Go evaluates a deferred call's function
     * value, into the frame's record when it is trivially copyable and at most a pointer
     * (a lambda capturing one reference or pointer), else into the frame's pool
     * (go__blob: no heap allocation per call), and destroyed after its call.  c takes no
     * argument; its result, if any, is discarded (void, integers, pointers, enums).  A
     * null function pointer panics when the call is due, as in Go.  A copy holding the
     * address of a local of f is a fatal error (check_captures). */
    template <class C> void defer(C &&c) {
        using T = std::decay_t<C>;
        static_assert(std::is_invocable_v<T &>, "scope.defer(c): c() must be callable");
        using R = std::invoke_result_t<T &>;
        static_assert(std::is_void_v<R> || std::is_integral_v<R> || std::is_pointer_v<R> ||
                          std::is_enum_v<R>,
                      "scope.defer(c): c() returns void, an integer, a pointer or an enum");
        if constexpr (std::is_pointer_v<T>) {
            static_assert(std::is_function_v<std::remove_pointer_t<T>>);
            void (*fn)(void) = reinterpret_cast<void (*)(void)>(c);
            push(fn ? detail::call_fnptr : go__panic_nilfunc, fn, nullptr);
        } else if constexpr (detail::in_record<T>) {
            void *word = nullptr;
            T copy(std::forward<C>(c));
            detail::check_captures(&copy, top_);
            std::memcpy(&word, static_cast<void *>(&copy), sizeof copy);
            push(detail::call_in_record, detail::member_code<T>(), word);
        } else {
            void *p = go__blob(fr_, sizeof(T), alignof(T));
            detail::check_captures(::new (p) T(std::forward<C>(c)), top_);
            push(std::is_trivially_destructible_v<T> ? detail::call_in_pool
                                                     : detail::call_and_destroy<T>,
                 detail::member_code<T>(), p);
        }
    }

  private:
    template <class R, class F> friend R detail::run(F &f);
    scope(go__frame *fr, void *top) : fr_(fr), top_(reinterpret_cast<std::uintptr_t>(top)) {}
    void push(void (*call)(const go__rec *), void (*fn)(void), void *arg) {
        go__rec *r = go__push(fr_, call, fn, arg);
        __asm__ volatile("" : : "m"(*fr_), "m"(*r)); /* published: GO__PUBLISH_ (GCC) */
    }
    go__frame *fr_;
    std::uintptr_t top_; /* run's CFA: the deferred callables' captures must lie above */
};

namespace detail {

/* One defer frame around f.  Not inlined: its caller's variables that f or a deferred
 * call changes (through captures) are reloaded after it, recovered or not.  A recovery
 * lands here after its unwind (from guard's cleanup; from this function's caller where
 * it has no landing pad, under -fno-exceptions), having run the destructors of f's
 * objects: no live destructor is jumped over. */
template <class R, class F> __attribute__((noinline)) R run(F &f) {
    result<R> res;
    __asm__ volatile("" : : "r"(&res) : "memory"); /* in memory: read after a landing */
    {
        guard g;
        if (GO__SETJMP(g.fr.jb)) {
            go__land(&g.fr); /* the remaining deferred calls; g's cleanup does nothing */
        } else {
            go__enter(&g.fr);
            scope s(&g.fr, GO__HPP_CFA());
            res.set(f, s);
            go__leave(&g.fr);
            g.fr.n = GO__LEFT; /* g's cleanup: nothing left (known here, folds away) */
        }
    }
    return res.take();
}

} // namespace detail

/* frame(f): f(scope&) in a defer frame; returns f's result, or after a recovery what the
 * header comment says. */
template <class F> auto frame(F &&f) {
    using R = std::invoke_result_t<F &, scope &>;
    return detail::run<R, std::remove_reference_t<F>>(f);
}

} // namespace go

#endif /* GODEFER_HPP */

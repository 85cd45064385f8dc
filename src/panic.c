/* Panics: go_panic's loop over deferred calls, recover's legality check, the recovery
 * jump (the one place control is transferred to a recovering frame), and Goexit. */
#include "internal.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unwind.h>

/* Transfer of control to a recovery point.  Everything between the jump and its target
 * is discarded: deferred calls of the frames on the way have already run (a panic runs
 * them before it can be recovered below them); their C cleanup variables do not run. */
void go__jump(go__jmpbuf jb) {
#ifdef GO__ASAN
    __asan_handle_no_return();
#endif
#if defined(GO__X86_64_SJ)
    go__longjmp(jb);
#else
    longjmp(jb, 1); /* not _longjmp: ThreadSanitizer intercepts only longjmp */
#endif
}

/* ---- calling deferred functions ----------------------------------------------------
 * Every deferred call a panic (or Goexit) makes goes through go__call_deferred.  Its two call
 * sites (thunk or plain function) are what "called directly by the panic" means: their
 * return addresses are measured once at start-up.  It and go__goexit_run keep the go__
 * prefix of cross-file names, though static: user code runs below them, and a trace of a
 * static link hides godefer's frames by that prefix (traceback.c). */

static void *site_direct, *site_thunk;

/* A C++ exception out of a deferred call that a panic's (or Goexit's) loop made would
 * leave the loop with the panic still on the chain, its calls half run.  Its search for a
 * handler asks the personality routine of every frame it passes, go__call_deferred's too,
 * which names this one: a fatal error, while the throwing call is still on the stack.  A
 * forced unwind (a recovery's, pthread_cancel's) passes.  Nothing on the normal path. */
GO__HIDDEN __attribute__((used)) _Unwind_Reason_Code
go__deferred_personality(int version, _Unwind_Action actions, uint64_t cls,
                         struct _Unwind_Exception *e, struct _Unwind_Context *ctx) {
    (void)version, (void)cls, (void)e, (void)ctx;
    if (actions & _UA_FORCE_UNWIND) return _URC_CONTINUE_UNWIND;
    go__g *g = (go__g *)go__curg;
    go__throw(g && g->panic && g->panic->goexit
                  ? "a deferred call threw a C++ exception while go_goexit ran it"
                  : "a deferred call threw a C++ exception while a panic ran it (deferred "
                    "calls must not throw)");
}

__attribute__((noinline)) static void go__call_deferred(go__panic *p, const go__rec *r) {
    /* the unwind tables' personality routine of this function: pc-relative, 4 bytes */
    __asm__(".cfi_personality 0x1b, go__deferred_personality");
    p->rec = r;
    go__invoke(r);
    __asm__ volatile("" ::: "memory"); /* keeps the calls above from becoming jumps */
    p->rec = NULL;
}

/* The panic loop's source of deferred calls: pops the newest pending record, moving the
 * panic's cursor down the frame chain.  Frames are never unlinked here: only leaving a
 * frame or a recovery does that. */
static inline const go__rec *next_defer(go__panic *p) {
    for (go__frame *f = p->frame; f; f = f->link) {
        /* Every frame this panic walks was linked before it started, so it lies above the
         * entry point's activation; one below was left by longjmp and its memory reused. */
        if ((uintptr_t)f < p->bound &&
            !go__sigstack_newer((go__g *)go__curg, p->bound, (uintptr_t)f))
            go__throw("go_frame left by longjmp (or by a deferred call that longjmped out): "
                      "its deferred calls can no longer run");
        const go__rec *r = go__pop(f);
        if (r) {
            p->frame = f;
            return r;
        }
    }
    p->frame = NULL;
    return NULL;
}

/* calib_fn stores its return address: the calibration measures the loop's call sites
 * with it, and recover the call site of a thunk (thunk_ra).  Per thread, as the latter
 * runs in any thread. */
static __thread void *volatile calib_ra __attribute__((tls_model("initial-exec")));
__attribute__((noinline)) static void calib_fn(void *arg) {
    (void)arg;
    calib_ra = __builtin_return_address(0);
}
__attribute__((noinline)) static void calib_thunk(const go__rec *r) {
    (void)r;
    calib_ra = __builtin_return_address(0);
}

void go__calibrate(void) {
    go__panic p;
    GO__PANIC_CLEAR(&p);
    go__rec r = {NULL, (void (*)(void))calib_fn, NULL};
    go__rec *volatile rp = &r; /* no constant propagation into go__call_deferred */
    go__call_deferred(&p, rp);
    site_direct = calib_ra;
    r.call = calib_thunk;
    go__call_deferred(&p, rp);
    site_thunk = calib_ra;
}

/* ---- recover's legality check ---------------------------------------------------------
 * Facts about code addresses, found once per thread: the FDE search and the other lookups
 * cost more than the rest of a panic and recover, and a thread meets few call sites of
 * go_recover.  Code addresses do not change while their object is loaded (a library
 * unloaded and another loaded in its place could meet a stale entry). */

struct eh_bases {
    void *tbase, *dbase, *func;
};
extern const void *_Unwind_Find_FDE(void *pc, struct eh_bases *bases);

static struct go__fent *fent_slot(go__g *g, const void *pc) {
    uintptr_t a = (uintptr_t)pc;
    return &g->fcache[(unsigned)((a >> 2) ^ (a >> 9)) & (GO__FCACHE - 1)];
}

/* pc's slot, holding the entry of the function containing pc from the unwind tables
 * (libgcc), or NULL where the code has none. */
static struct go__fent *func_entry(go__g *g, void *pc) {
    struct go__fent *e = fent_slot(g, pc);
    if (e->pc != pc) {
        struct eh_bases b;
        e->pc = pc;
        e->entry = _Unwind_Find_FDE(pc, &b) ? b.func : NULL;
        e->alias = NULL;
    }
    return e;
}

/* Where a thunk's call of its deferred function returns to (the caller's return address
 * if it makes a tail call): the thunk is called with calib_fn as the function.  This
 * needs no unwind tables (GCC builds thunks without them under -fno-asynchronous-unwind-
 * tables, and makes no tail call at -O1, -Og or with -finstrument-functions).  The
 * thunk's type may return a long double, which it pops from the x87 stack that
 * calib_fn left empty: the x87 state is put back. */
static void *thunk_ra(void (*thunk)(const go__rec *)) {
    go__rec probe = {thunk, (void (*)(void))calib_fn, NULL};
#if defined(__x86_64__)
    char x87[28];
    __asm__ volatile("fnstenv %0\n\tfldenv %0" : "=m"(x87));
#endif
    thunk(&probe);
#if defined(__x86_64__)
    __asm__ volatile("fldenv %0" : : "m"(x87));
#endif
    return calib_ra;
}

/* Does ra lie in r's thunk, returned to by its call of the deferred function?  Only
 * thunks reach here: go__panic_nilfunc and go__recover_deferred call no user code. */
static bool returns_into_thunk(go__g *g, const go__rec *r, void *ra) {
    if (!r->call) return false;
    void *pc = (char *)ra - 1;
    struct go__fent *e = fent_slot(g, pc);
    if (e->pc == pc && e->entry == (void *)r->call) return true;
    if (thunk_ra(r->call) != ra) return false;
    e->pc = pc; /* a fact like the tables': pc lies in the thunk */
    e->entry = (void *)r->call;
    e->alias = NULL;
    return true;
}

/* The address a program-wide lookup gives the function at entry: in a program built
 * without -fPIE, a shared library's function has the program's PLT entry as its address,
 * in the program and in every object that takes it, so r->fn is that entry while the
 * unwind tables find the function itself. */
static void *global_address(void *entry) {
    Dl_info di;
    void *a = NULL;
    if (dladdr(entry, &di) && di.dli_sname && di.dli_saddr == entry)
        a = dlsym(RTLD_DEFAULT, di.dli_sname);
    return a ? a : entry;
}

/* ---- a function's cold part -------------------------------------------------------
 * GCC moves a function's unlikely blocks (a call of a cold function, say) to a part of
 * their own, f.cold, with an FDE of its own.  Such a part is entered in the middle of
 * f's frame, so its FDE changes the CIE's entry state before its first instruction, which
 * no function's does; and f jumps into it.  Read from .eh_frame (GCC's and Clang's:
 * 32-bit lengths, augmentation "z..."). */

static uint64_t uleb(const unsigned char **p) {
    uint64_t v = 0;
    unsigned shift = 0;
    unsigned char b;
    do {
        b = *(*p)++;
        if (shift < 64) v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    return v;
}

/* The size of a pointer in encoding enc (DW_EH_PE_*), 0 if unknown. */
static size_t enc_size(unsigned char enc) {
    switch (enc & 0x0f) {
    case 0x00: return sizeof(void *); /* absptr */
    case 0x02:
    case 0x0a: return 2;
    case 0x03:
    case 0x0b: return 4;
    case 0x04:
    case 0x0c: return 8;
    default: return 0;
    }
}

/* An FDE's code range, and whether it starts in the middle of a frame. */
static bool fde_read(const unsigned char *fde, uintptr_t lo, uintptr_t *hi, bool *part) {
    uint32_t len, cie_off;
    memcpy(&len, fde, 4);
    memcpy(&cie_off, fde + 4, 4);
    if (len == 0xffffffffu || len < 8) return false;
    const unsigned char *cie = fde + 4 - cie_off, *p = cie + 9;
    const char *aug = (const char *)p;
    if (cie[8] != 1 && cie[8] != 3) return false;
    p += strlen(aug) + 1;
    uleb(&p); /* code alignment */
    uleb(&p); /* data alignment (sleb: only skipped) */
    if (cie[8] == 1)
        p++;
    else
        uleb(&p); /* return address column */
    if (aug[0] != 'z' || !strchr(aug, 'R')) return false;
    uleb(&p);
    for (const char *a = aug + 1; *a != 'R'; a++) { /* the data before R's */
        if (*a == 'P')
            p += 1 + enc_size(*p);
        else if (*a == 'L')
            p++;
        else if (*a != 'S' && *a != 'B' && *a != 'G')
            return false;
    }
    size_t n = enc_size(*p); /* R: the FDE's pointer encoding */
    if (!n) return false;
    const unsigned char *q = fde + 8 + n, *end = fde + 4 + len;
    uint64_t range = 0;
    memcpy(&range, q, n); /* little-endian, as both supported machines */
    q += n;
    q += uleb(&q); /* augmentation data */
    *hi = lo + (uintptr_t)range;
    while (q < end && *q == 0) q++;                              /* DW_CFA_nop */
    *part = q < end && *q >> 6 != 1 && (*q < 0x01 || *q > 0x04); /* not an advance */
    return true;
}

/* Is [lo, ...) (an FDE starting at lo) a part of fn's code that fn jumps into? */
static bool cold_part_of(const void *fde, uintptr_t lo, void (*fn)(void)) {
    struct eh_bases b;
    uintptr_t hi, fhi;
    bool part, fpart;
    const void *ffde = _Unwind_Find_FDE((void *)fn, &b);
    return fde_read(fde, lo, &hi, &part) && part && ffde && b.func == (void *)fn &&
           fde_read(ffde, (uintptr_t)fn, &fhi, &fpart) &&
           go__arch_jumps_into((uintptr_t)fn, fhi, lo, hi);
}

/* Is the function containing self the function that fn designates (directly, through
 * its PLT entry, or as its cold part)?  Unknown without unwind tables: then it is taken
 * to be. */
static bool runs_fn(go__g *g, void *self, void (*fn)(void)) {
    struct go__fent *e = func_entry(g, (char *)self - 1);
    if (!e->entry || e->entry == (void *)fn) return true;
    if (!e->alias) e->alias = global_address(e->entry);
    if (e->alias == (void *)fn) return true;
    struct eh_bases b;
    const void *fde = _Unwind_Find_FDE((char *)self - 1, &b);
    if (!fde || !cold_part_of(fde, (uintptr_t)b.func, fn)) return false;
    e->entry = e->alias = (void *)fn; /* a fact: this part is fn's */
    return true;
}

/* Was the function that contains `self` and returns to `ra` called directly by the
 * panic's loop to run record r?  Per-site thunks are transparent, like Go's wrappers.  A
 * helper tail-called by the deferred function also returns to the loop: the unwind
 * tables tell it apart from the deferred function itself. */
static bool called_directly(go__g *g, const go__rec *r, void *ra, void *self) {
    if (ra != site_direct && ra != site_thunk && !returns_into_thunk(g, r, ra)) return false;
    return runs_fn(g, self, r->fn);
}

go_any go__recover(void *ra) {
    go__g *g = (go__g *)go__curg;
    if (!g) return go_nil();
    go__panic *p = g->panic;
    if (!p || p->goexit || p->recovered || !p->rec) return go_nil();
    if (!called_directly(g, p->rec, ra, __builtin_return_address(0))) return go_nil();
    p->recovered = true;
    p->owned = false; /* the user's from now on */
    return p->arg;
}

/* A code address inside the caller: its return address (go_defer_recover). */
__attribute__((noinline)) void *go__pc_here(void) { return __builtin_return_address(0); }

/* A deferred recover (go_defer_recover): r->fn holds an address inside the function D
 * whose frame deferred it, r->arg D's return address.  It recovers the current panic if
 * the panic's loop is running D itself, and not this record. */
void go__recover_deferred(const go__rec *r) {
    go__g *g = (go__g *)go__curg;
    go__panic *p = g ? g->panic : NULL;
    if (!p || p->goexit || p->recovered || !p->rec || p->rec == r) return;
    if (called_directly(g, p->rec, r->arg, (void *)(uintptr_t)r->fn)) p->recovered = true;
}

/* ---- recovery ---------------------------------------------------------------------- */

/* Frames above target are abandoned: their deferred calls have all run. */
static void abandon_to(go__g *g, go__frame *target) {
    for (go__frame *f = g->head.frame; f != target; f = f->link) {
        if (!f) go__throw("bad recovery: the recovering frame is not on the defer chain");
        go__release_frame(g, f);
        f->n = GO__LEFT; /* its cleanup, if an unwind runs it, does nothing */
    }
    g->head.frame = target;
}

/* Panics from g->panic up to (not including) end are removed: what godefer made for their
 * values can no longer reach the user. */
static void release_removed(go__g *g, const go__panic *end) {
    for (go__panic *q = g->panic; q != end; q = q->link) {
        if (q->owned) go_any_release(q->arg);
        q->owned = false;
    }
}

/* Did panic q start inside frame rf (below it, or on the alternate signal stack)? */
static inline bool started_inside(const go__g *g, const go__panic *q, const go__frame *rf) {
    return (uintptr_t)q < (uintptr_t)rf || go__sigstack_newer(g, (uintptr_t)q, (uintptr_t)rf);
}

/* The transfer of control to a recovery point jb in the activation holding above: a jump,
 * or an unwind of the frames on the way (C++ destructors, -fexceptions cleanups). */
static inline __attribute__((always_inline)) GO__NORETURN void
transfer(go__g *g, go__jmpbuf jb, go__frame *frame, uintptr_t above) {
    if (atomic_load_explicit(&go__unwinding, memory_order_relaxed))
        go__unwind_jump(g, jb, frame, above);
    go__jump(jb);
}

/* p's deferred call recovered.  Remove every panic that started inside the frame that
 * deferred the call (they are aborted), then resume that frame, which runs its remaining
 * deferred calls and is left normally.  A Goexit among them cannot be cancelled: its loop
 * resumes instead (Go's recovery). */
static GO__NORETURN void recovery(go__g *g, go__panic *p) {
    go__frame *rf = p->frame;
    go__panic *q = g->panic;
    for (; q && started_inside(g, q, rf); q = q->link) {
        if (q->goexit) {
            release_removed(g, q);
            g->panic = q;
            go__set_panicking(g, false);
            abandon_to(g, q->top);
            go__sigmask_jump(g, p, (uintptr_t)q);
            transfer(g, q->resume, NULL, (uintptr_t)q);
        }
    }
    release_removed(g, q);
    g->panic = q;
    go__set_panicking(g, q && !q->goexit); /* an older panic goes on, or none */
    if (!q) g->sig.sig = 0;                /* Go forgets the signal once no panic is left */
    abandon_to(g, rf);
    go__sigmask_jump(g, p, (uintptr_t)rf);
    transfer(g, rf->jb, rf, (uintptr_t)rf);
}

/* The entry points (go_panic, ...) pass their own CFA: everything the new panic may walk
 * (frames, older panics) was made by live callers, above it. */
#define GO__BOUND() ((uintptr_t)__builtin_dwarf_cfa())

void go__panic_with(go__g *g, go__panic *p) {
    if (g->panic && (uintptr_t)g->panic < p->bound &&
        !go__sigstack_newer(g, p->bound, (uintptr_t)g->panic))
        go__throw("go_panic: an earlier panic was left by longjmp out of a deferred call");
    p->link = g->panic;
    p->frame = p->top = g->head.frame;
    g->panic = p;
    go__set_panicking(g, true); /* until a recovery: a fatal report keeps it */
    if (p->sig) {
        g->sig.sig = p->sig;
        g->sig.code = p->sigcode;
        g->sig.addr = p->sigaddr;
        g->sig.pc = p->sigpc;
    }
    for (const go__rec *r; (r = next_defer(p));) {
        go__call_deferred(p, r);
        if (p->recovered) recovery(g, p);
    }
    go__fatalpanic(g);
}

void go_panic(go_any v) {
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = go_isnil(v) ? go_make_ptr(&go__type_panicNil, NULL) : v;
    p.bound = GO__BOUND();
    go__panic_with(go__getg(), &p);
}

void go_panicf(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    char *s = go__vformat(format, ap);
    va_end(ap);
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = go_make_str(&go__type_fmtString, s);
    p.owned = true;
    p.bound = GO__BOUND();
    go__panic_with(go__getg(), &p);
}

/* go_panic of a value godefer made for this panic (a bounds error): it is released if the
 * panic is aborted without reaching the user. */
void go__panic_owned(go_any v) {
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = v;
    p.owned = true;
    p.bound = GO__BOUND();
    go__panic_with(go__getg(), &p);
}

/* A deferred NULL function: Go's nil dereference, when the call is due.  go_defer makes
 * it the record's call. */
void go__panic_nilfunc(const go__rec *r) {
    (void)r;
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = go__runtime_error("invalid memory address or nil pointer dereference");
    p.sig = SIGSEGV;
    p.sigcode = SEGV_MAPERR;
    p.sigaddr = 0;
    p.sigpc = (uintptr_t)__builtin_return_address(0);
    p.bound = GO__BOUND();
    go__panic_with(go__getg(), &p);
}

/* ---- Goexit ------------------------------------------------------------------------ */

/* The main goroutine called Goexit: its thread ends and the program goes on until the
 * last other thread ends; then glibc calls exit(0) from its thread-exit path, and this
 * handler turns that into Go's fatal error.  An exit() called by the program itself
 * (Go's os.Exit) keeps its status. */
static _Atomic bool main_goexited;

/* Is exit's caller (the frame after pcs[i], exit's) libc, its thread-exit path?
 * Dynamic: the caller lies outside libc's own exit's module (not an interceptor's).
 * Static (no libc.so.6 to open): only the thread's base frames follow the caller's,
 * start_thread's clone3, or __libc_start_call_main's __libc_start_main and _start. */
static bool exit_caller_is_program(void **pcs, int n) {
    Dl_info libc, fi;
    const ElfW(Sym) *sym = NULL;
    void *h = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    uintptr_t lo, size;
    if (h) {
        void *ex = dlsym(h, "exit");
        if (!ex || !dladdr1(ex, &libc, (void **)&sym, RTLD_DL_SYMENT) || !sym) return false;
        lo = (uintptr_t)ex;
        size = sym->st_size ? sym->st_size : 1;
    } else {
        lo = (uintptr_t)exit;
        size = 64; /* glibc's exit is one call (26 bytes on x86_64) */
    }
    for (int i = 0; i + 1 < n; i++) {
        if ((uintptr_t)pcs[i] - 1 - lo >= size) continue;
        if (h) return !(dladdr(pcs[i + 1], &fi) && fi.dli_fbase == libc.dli_fbase);
        return n - i - 2 > (getpid() == gettid() ? 2 : 1);
    }
    return false;
}

/* glibc's own backtrace: libunwind's, which a static link may pick for backtrace(),
 * finds no frame in the exit handlers of a thread other than main. */
extern int __backtrace(void **pcs, int max);

/* Was exit() called by the program rather than by libc's thread-exit path?  That path
 * calls exit(0), after the thread's keys' destructors (thread_exit in g.c clears
 * go__curg); a thread godefer never saw needs a look at the stack. */
static bool exit_called_by_program(int status) {
    if (status != 0 || go__curg) return true;
    void *pcs[64];
    return exit_caller_is_program(pcs, __backtrace(pcs, 64));
}

static void main_goexit_on_exit(int status, void *arg) {
    (void)arg;
    if (!atomic_load(&main_goexited) || exit_called_by_program(status)) return;
    go__fatal_notrace("no goroutines (main called runtime.Goexit) - deadlock!");
}

static GO__NORETURN void main_goexit(void) {
    atomic_store(&main_goexited, true);
    if (on_exit(main_goexit_on_exit, NULL) != 0)
        go__fatal_notrace("no goroutines (main called runtime.Goexit) - deadlock!");
    pthread_exit(NULL);
}

__attribute__((noinline)) static GO__NORETURN void go__goexit_run(go__panic *q) {
    go__g *g = go__getg();
    for (const go__rec *r; (r = next_defer(q));)
        go__call_deferred(q, r); /* recovers see a Goexit */
    /* Every deferred call has run; panics still listed end silently with the thread. */
    for (go__frame *f = g->head.frame; f; f = f->link) go__release_frame(g, f);
    release_removed(g, NULL);
    g->exiting = true;
    g->panic = NULL;
    g->head.frame = NULL;
    if (g->coro) go__coro_end(g);
    if (g->goid == 1) main_goexit();
    pthread_exit(NULL);
}

void go_goexit(void) {
    go__g *g = go__getg();
    go__panic q;
    GO__PANIC_CLEAR(&q);
    q.goexit = true;
    q.bound = GO__BOUND();
    if (g->panic && (uintptr_t)g->panic < q.bound &&
        !go__sigstack_newer(g, q.bound, (uintptr_t)g->panic))
        go__throw("go_goexit: an earlier panic was left by longjmp out of a deferred call");
    q.link = g->panic;
    q.frame = q.top = g->head.frame;
    g->panic = &q;
    go__set_panicking(g, false); /* a Goexit cancels the panics it started in */
    /* A recovery that removes this Goexit's panics comes back here and the loop goes on
     * where it was: q lives in memory, and go__goexit_run reloads everything else. */
    GO__SETJMP(q.resume);
    go__goexit_run(&q);
}

/* Stack traces in Go's form: program counters from libunwind (or glibc's backtrace),
 * names, files and lines from elfutils libdw (or dladdr), inlined calls expanded. */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <sys/auxv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef GODEFER_HAVE_LIBUNWIND
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#else
#include <execinfo.h>
#include <unwind.h>
#endif
#ifdef GODEFER_HAVE_LIBDW
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#endif

#ifdef GODEFER_HAVE_LIBUNWIND
/* Where libunwind's steps end (code without unwind tables: libunwind guesses such frames
 * from the frame pointer, but gives up a few frames deep), the chain of frame records
 * {caller's frame pointer, return address} of code built with frame pointers goes on
 * from the last frame's fp and sp, while it climbs the thread's stack and its return
 * addresses lie in loaded code. */
__attribute__((no_sanitize_address, no_sanitize_thread)) /* reads other frames' words */
static int fp_walk(uintptr_t fp, uintptr_t sp, void **pcs, int n, int max) {
    const go__g *g = (const go__g *)go__curg;
    Dl_info di;
    if (!g || !g->stack_hi) return n;
    for (uintptr_t lo = sp; n < max && fp >= lo && fp >= g->stack_lo &&
                            fp % sizeof(void *) == 0 && fp + 2 * sizeof(void *) <= g->stack_hi;) {
        const uintptr_t *rec = (const uintptr_t *)fp;
        if (!dladdr((void *)rec[1], &di)) break;
        pcs[n++] = (void *)rec[1];
        lo = fp + 2 * sizeof(void *);
        fp = rec[0];
    }
    return n;
}

/* The frames from c on. */
static int walk(unw_cursor_t *c, void **pcs, int max) {
    int n = 0;
    unw_word_t ip, fp = 0, sp = 0;
    do {
        if (unw_get_reg(c, UNW_REG_IP, &ip) < 0 || ip == 0) return n;
        if (unw_get_reg(c, UNW_TDEP_BP, &fp) < 0 || unw_get_reg(c, UNW_TDEP_SP, &sp) < 0)
            fp = 0;
        pcs[n++] = (void *)ip;
    } while (n < max && unw_step(c) > 0);
    return fp_walk(fp, sp, pcs, n, max);
}
#endif

int go__capture(void **pcs, int max) {
#ifdef GODEFER_HAVE_LIBUNWIND
    unw_context_t uc;
    unw_cursor_t c;
    if (unw_getcontext(&uc) < 0 || unw_init_local(&c, &uc) < 0) return 0;
    return walk(&c, pcs, max);
#else
    return backtrace(pcs, max);
#endif
}

/* The frames of the code a signal interrupted, starting at the interrupted instruction
 * (the handler's own frames are left out).  Async-signal-safe with libunwind (but for
 * dladdr's lock, past the frames libunwind finds). */
int go__capture_uc(void *ucontext, void **pcs, int max) {
#ifdef GODEFER_HAVE_LIBUNWIND
    unw_cursor_t c;
    if (unw_init_local2(&c, (unw_context_t *)ucontext, UNW_INIT_SIGNAL_FRAME) < 0) return 0;
    return walk(&c, pcs, max);
#else
    /* glibc's backtrace walks through the signal frame: drop what lies above the
     * interrupted instruction. */
    int n = backtrace(pcs, max);
    uintptr_t pc = go__arch_pc(ucontext);
    for (int i = 0; i < n; i++) {
        if ((uintptr_t)pcs[i] == pc) {
            memmove(pcs, pcs + i, (size_t)(n - i) * sizeof *pcs);
            return n - i;
        }
    }
    return n;
#endif
}

#ifdef GODEFER_HAVE_LIBUNWIND
void go__walk_stack(bool (*visit)(void *ctx, uintptr_t sp, bool sig), void *ctx) {
    unw_context_t uc;
    unw_cursor_t c;
    if (unw_getcontext(&uc) < 0 || unw_init_local(&c, &uc) < 0) return;
    do {
        unw_word_t sp;
        if (unw_get_reg(&c, UNW_REG_SP, &sp) < 0) break;
        if (!visit(ctx, (uintptr_t)sp, unw_is_signal_frame(&c) > 0)) break;
    } while (unw_step(&c) > 0);
}
#else
struct walk {
    bool (*visit)(void *ctx, uintptr_t sp, bool sig);
    void *ctx;
};

static _Unwind_Reason_Code walk_step(struct _Unwind_Context *uw, void *arg) {
    const struct walk *w = arg;
    int sig = 0;
    _Unwind_GetIPInfo(uw, &sig);
    return w->visit(w->ctx, _Unwind_GetCFA(uw), sig) ? _URC_NO_REASON : _URC_END_OF_STACK;
}

/* libgcc's unwinder: libunwind's, where it is linked, has the same functions (a static
 * link with both fails), so only one of the two is called. */
void go__walk_stack(bool (*visit)(void *ctx, uintptr_t sp, bool sig), void *ctx) {
    struct walk w = {visit, ctx};
    _Unwind_Backtrace(walk_step, &w);
}
#endif

/* One printed frame.  Inlined calls give several per program counter. */
typedef struct sym {
    const char *name; /* NULL when unknown */
    const char *file; /* NULL when unknown */
    const char *module;
    int line;
    uintptr_t off; /* of the pc from the function's entry; inline frames print none */
    bool inl;
    bool lib; /* in godefer's shared library */
    uintptr_t pc; /* printed (GOTRACEBACK=system) if not 0 */
} sym;

#define MAXINL 8

#ifdef GODEFER_HAVE_LIBDW
static Dwfl *open_dwfl(void) {
    static char *debuginfo_path;
    static const Dwfl_Callbacks cb = {.find_elf = dwfl_linux_proc_find_elf,
                                      .find_debuginfo = dwfl_standard_find_debuginfo,
                                      .debuginfo_path = &debuginfo_path};
    Dwfl *d = dwfl_begin(&cb);
    if (!d) return NULL;
    dwfl_report_begin(d);
    if (dwfl_linux_proc_report(d, getpid()) != 0) {
        dwfl_end(d);
        return NULL;
    }
    dwfl_report_end(d, NULL, NULL);
    return d;
}

/* C++: the linkage name, which emit_name demangles into the qualified one. */
static const char *die_name(Dwarf_Die *die) {
    Dwarf_Attribute a;
    if (!dwarf_attr_integrate(die, DW_AT_linkage_name, &a) &&
        !dwarf_attr_integrate(die, DW_AT_name, &a))
        return NULL;
    return dwarf_formstring(&a);
}

static const char *call_file(Dwarf_Die *cu, Dwarf_Die *die) {
    Dwarf_Attribute a;
    Dwarf_Word idx;
    Dwarf_Files *files;
    size_t nfiles;
    if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &idx) != 0) return NULL;
    if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles) return NULL;
    return dwarf_filesrc(files, idx, NULL, NULL);
}

static int call_line(Dwarf_Die *die) {
    Dwarf_Attribute a;
    Dwarf_Word w;
    if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &w) != 0) return 0;
    return (int)w;
}

/* The compile unit of addr.  libdw trusts .debug_aranges, which Clang does not emit by
 * default: when the lookup fails, or gives a unit that does not hold pc (where other
 * units have aranges, as in a -static link with GCC-built archives), scan the units
 * (this is the fatal path). */
static Dwarf_Die *find_cu(Dwfl_Module *m, Dwarf_Addr pc, Dwarf_Addr *bias, Dwarf_Die *buf) {
    Dwarf_Die *cu = dwfl_module_addrdie(m, pc, bias);
    if (cu && dwarf_haspc(cu, pc - *bias) > 0) return cu;
    Dwarf *dw = dwfl_module_getdwarf(m, bias);
    if (!dw) return NULL;
    Dwarf_CU *u = NULL;
    uint8_t type;
    while (dwarf_get_units(dw, u, &u, NULL, &type, buf, NULL) == 0) {
        if ((type == DW_UT_compile || type == DW_UT_partial || type == DW_UT_skeleton) &&
            dwarf_haspc(buf, pc - *bias) > 0)
            return buf;
    }
    return NULL;
}

/* The scopes at pc, innermost first, up to the unit's function: the inlined calls and
 * blocks of the concrete code, found by descending from the unit.  (libdw 0.188's
 * dwarf_getscopes finds none in GCC's LTO units, whose concrete DIEs take their names
 * from abstract origins in other units, and lists those origins elsewhere.) */
#define MAXSCOPES 64
static int scopes_at(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die *out) {
    Dwarf_Die path[MAXSCOPES], die = *cu, child;
    int n = 0;
    while (n < MAXSCOPES && dwarf_child(&die, &child) == 0) {
        int found = 0;
        do {
            int tag = dwarf_tag(&child);
            found = (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
                     tag == DW_TAG_lexical_block) && dwarf_haspc(&child, pc) > 0;
        } while (!found && dwarf_siblingof(&child, &child) == 0);
        if (!found) break;
        path[n++] = die = child;
    }
    for (int i = 0; i < n; i++) out[i] = path[n - 1 - i];
    return n;
}

/* GCC's partial inlining (ipa-split) leaves a function "inlined into itself", called
 * from its own declaration line: that is one frame, not two. */
static bool split_part(Dwarf_Die *scopes, int ns, int i, const char *iname) {
    for (int j = i + 1; j < ns; j++) {
        int tag = dwarf_tag(&scopes[j]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
        const char *oname = die_name(&scopes[j]);
        int dl = 0;
        return iname && oname && strcmp(iname, oname) == 0 &&
               dwarf_decl_line(&scopes[j], &dl) == 0 && dl != 0 && call_line(&scopes[i]) == dl;
    }
    return false;
}

/* pc's file and line, from pc's own unit (dwfl_module_getsrc finds the unit as
 * dwfl_module_addrdie does).  None without a unit that holds pc: libdw would take the
 * nearest line of another unit (a -static program's code built without -g got a line of
 * libunwind.a's). */
static void src_line(Dwfl_Module *m, Dwarf_Die *cu, Dwarf_Addr bias, uintptr_t pc, sym *s) {
    if (!cu) return;
    Dwarf_Line *dl = dwarf_getsrc_die(cu, pc - bias);
    Dwfl_Line *ln = dl ? NULL : dwfl_module_getsrc(m, pc);
    if (dl) {
        s->file = dwarf_linesrc(dl, NULL, NULL);
        dwarf_lineno(dl, &s->line);
    } else if (ln) {
        s->file = dwfl_lineinfo(ln, NULL, &s->line, NULL, NULL, NULL);
    }
}

/* The inlined calls at pc, innermost first, into out (at most max); out[0] holds pc's
 * file and line, and each call's place moves to the next entry, which is returned: the
 * real function's place. */
static int inlined_calls(Dwarf_Die *cu, Dwarf_Addr pc, sym *out, int max) {
    Dwarf_Die scopes[MAXSCOPES];
    int ns = scopes_at(cu, pc, scopes), k = 0;
    for (int i = 0; i < ns && k < max - 1; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_subprogram) break;
        if (tag != DW_TAG_inlined_subroutine) continue;
        const char *iname = die_name(&scopes[i]);
        if (split_part(scopes, ns, i, iname)) continue;
        out[k + 1] = (sym){.file = call_file(cu, &scopes[i]), .line = call_line(&scopes[i]),
                           .module = out[k].module};
        out[k].name = iname;
        out[k].inl = true;
        k++;
    }
    return k;
}

/* pc's frames, inlined calls first (at most MAXINL), then the function's. */
static int symbolize(Dwfl *d, uintptr_t pc, sym *out) {
    memset(out, 0, sizeof *out);
    Dwfl_Module *m = d ? dwfl_addrmodule(d, pc) : NULL;
    if (!m) return 1;
    out->module = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    GElf_Off off = 0;
    GElf_Sym es;
    const char *name = dwfl_module_addrinfo(m, pc, &off, &es, NULL, NULL, NULL);
    Dwarf_Addr bias = 0;
    Dwarf_Die cubuf;
    Dwarf_Die *cu = find_cu(m, pc, &bias, &cubuf);
    src_line(m, cu, bias, pc, out);
    int k = cu ? inlined_calls(cu, pc - bias, out, MAXINL) : 0;
    out[k].name = name;
    out[k].off = off;
    out[k].inl = false;
    return k + 1;
}
#else
typedef void Dwfl;
static Dwfl *open_dwfl(void) { return NULL; }

static bool in_godefer_object(uintptr_t pc);

/* Where dladdr knows nothing (a -static program has no dynamic symbols, nor dladdr's
 * list of objects): the loaded object holding pc, for "module +offset". */
struct object_of {
    uintptr_t pc, base;
    const char *name;
};
static int object_of_one(struct dl_phdr_info *o, size_t size, void *arg) {
    (void)size;
    struct object_of *q = arg;
    for (int i = 0; i < o->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &o->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && q->pc - (o->dlpi_addr + ph->p_vaddr) < ph->p_memsz) {
            q->base = o->dlpi_addr;
            q->name = *o->dlpi_name ? o->dlpi_name : program_invocation_name;
            return 1;
        }
    }
    return 0;
}

static bool object_of(uintptr_t pc, Dl_info *info) {
    struct object_of q = {.pc = pc};
    if (!dl_iterate_phdr(object_of_one, &q)) return false;
    *info = (Dl_info){.dli_fname = q.name, .dli_fbase = (void *)q.base};
    return true;
}

/* Without libdw: exported names from dladdr, else the module and the offset in it (what
 * addr2line takes).  Unnamed code of godefer's own shared library is its runtime. */
static int symbolize(Dwfl *d, uintptr_t pc, sym *out) {
    (void)d;
    Dl_info info;
    memset(out, 0, sizeof *out);
    if (!dladdr((void *)pc, &info) && !object_of(pc, &info)) return 1;
    out->module = info.dli_fname;
    out->name = info.dli_sname;
    if (info.dli_sname && info.dli_saddr) {
        out->off = pc - (uintptr_t)info.dli_saddr;
    } else {
        out->off = pc - (uintptr_t)info.dli_fbase;
        if (in_godefer_object(pc)) out->name = "go__internal";
    }
    return 1;
}
#endif

/* Is pc in godefer's own shared library (libgodefer*.so, not the program or another
 * object that linked the static library into itself)? */
static bool in_godefer_object(uintptr_t pc) {
    Dl_info self, exe, here;
    if (!dladdr((void *)go_panic, &self) || !dladdr((void *)getauxval(AT_ENTRY), &exe) ||
        self.dli_fbase == exe.dli_fbase || !self.dli_fname)
        return false;
    const char *base = strrchr(self.dli_fname, '/');
    base = base ? base + 1 : self.dli_fname;
    return strncmp(base, "libgodefer", 10) == 0 && dladdr((void *)pc, &here) &&
           here.dli_fbase == self.dli_fbase;
}

/* C names carry no dots; GCC's clones (.isra.0, .constprop.0, nested .N) drop them, and
 * a symbol version (__libc_start_main@@GLIBC_2.34, in a system trace) too. */
static size_t base_len(const char *name) { return strcspn(name, ".@"); }

static bool name_is(const sym *s, const char *want) {
    return s->name && base_len(s->name) == strlen(want) &&
           strncmp(s->name, want, strlen(want)) == 0;
}

/* godefer's functions by their exact names, for a static link: go__* (the internal ones,
 * and the header's inline helpers and per-site thunks that its macros compile into the
 * user's code, hidden as Go hides its wrappers) and the API's.  A user's go_... function
 * is the user's. */
static bool is_api_name(const sym *s) {
    static const char *const api[] = {
        "go_panic", "go_panicf", "go_goexit", "go_panic_bounds", "go_panic_bounds_u",
        "go_error", "go_errorf", "go_error_wrap", "go_unwrap", "go_is_error",
        "go_is_runtime_error", "go_any_release", "go_fprint", "go_sprint", "go_goid",
        "go_set_panic_on_fault", "go_set_traceback", "go_fault_info", "go_nil", "go_str",
        "go_int", "go_uint", "go_float", "go_bool", "go_make_int", "go_make_uint",
        "go_make_float", "go_make_bool", "go_make_str", "go_make_ptr", "go_isnil",
        "go_identical", "go_group_new", "go_group_wait", "go_group_free",
        "go_g_new", "go_g_switch", "go_g_free", "go_coro_resume", "go_coro_yield",
        "go_coro_free"};
    if (!s->name) return false;
    if (strncmp(s->name, "go__", 4) == 0) return true;
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
        if (name_is(s, api[i])) return true;
    return false;
}

/* godefer.hpp's own code (go::frame, the deferred calls' thunks, go::panic), inlined
 * into the user's functions or not, is hidden as godefer.h's inline helpers are: by its
 * file where there is debug information, else by its mangled names (the symbol table's:
 * go::detail's thunks, go::frame, go::panic, go::scope's members).  Not go::detail::run
 * without debug information: the user's lambda is often inlined into it. */
static bool in_hpp(const sym *s) {
    static const char *const mangled[] = {"_ZN2go6detail", "_ZN2go5frame", "_ZN2go5panic",
                                          "_ZN2go5scope"};
    size_t n = s->file ? strlen(s->file) : 0;
    if (n)
        return n >= 11 && strcmp(s->file + n - 11, "godefer.hpp") == 0 &&
               (n == 11 || s->file[n - 12] == '/');
    if (!s->name || strncmp(s->name, "_ZN2go6detail3run", 17) == 0) return false;
    for (size_t i = 0; i < sizeof mangled / sizeof mangled[0]; i++)
        if (strncmp(s->name, mangled[i], strlen(mangled[i])) == 0) return true;
    return false;
}

static bool is_runtime(const sym *s) { return s->lib || is_api_name(s) || in_hpp(s); }

/* Entry points that appear in the middle of a trace the way Go shows runtime.gopanic. */
static bool is_panic_entry(const sym *s) {
    return name_is(s, "go_panic") || name_is(s, "go_panicf") || name_is(s, "go__panic_owned") ||
           name_is(s, "go__panic_nilfunc") || name_is(s, "go__sigpanic");
}

static bool is_thread_base(const sym *s) {
    return name_is(s, "start_thread") || name_is(s, "clone") || name_is(s, "clone3") ||
           name_is(s, "__clone") || name_is(s, "__clone3") ||
           name_is(s, "__libc_start_call_main") || name_is(s, "__libc_start_main") ||
           name_is(s, "_start") || name_is(s, "__tsan_thread_start_func") ||
           name_is(s, "asan_thread_start");
}

/* Sanitizer interceptors between user frames are not the program's code. */
static bool is_sanitizer(const sym *s) {
    return s->name && (strncmp(s->name, "__interceptor_", 14) == 0 ||
                       strncmp(s->name, "__sanitizer", 11) == 0 ||
                       strncmp(s->name, "__asan_", 7) == 0 ||
                       strncmp(s->name, "__tsan_", 7) == 0 ||
                       strncmp(s->name, "__ubsan_", 8) == 0);
}

static void emit_str(go__emit_fn emit, void *ctx, const char *s) { emit(ctx, s, strlen(s)); }

/* The C++ runtime's demangler, when one is linked (a C program has none). */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *n, int *status)
    __attribute__((weak));

/* A demangled C++ function's name, "ns::f<T>" of "void ns::f<T>(int) const": up to the
 * '(' that matches its last ')', after a template function's return type (the last space
 * outside brackets). */
static const char *cxx_name(const char *d, size_t *len) {
    const char *p = strrchr(d, ')'), *end = d + strlen(d), *start = d;
    for (int depth = 0; p && p > d; p--) {
        depth += *p == ')' ? 1 : *p == '(' ? -1 : 0;
        if (depth == 0) {
            end = p;
            break;
        }
    }
    if (end > d && end[-1] == '>') {
        int depth = 0;
        for (const char *q = d; q < end; q++) {
            depth += (*q == '<' || *q == '(' || *q == '{') - (*q == '>' || *q == ')' || *q == '}');
            if (depth == 0 && *q == ' ') start = q + 1;
        }
    }
    *len = (size_t)(end - start);
    return start;
}

/* C++ names (Itanium mangling, _Z) demangled, as Go prints qualified names. */
static bool emit_cxx_name(const char *name, size_t n, go__emit_fn emit, void *ctx) {
    char mangled[512];
    int status = -1;
    if (!__cxa_demangle || n < 3 || strncmp(name, "_Z", 2) != 0 || n >= sizeof mangled)
        return false;
    memcpy(mangled, name, n); /* without a clone's suffix (.constprop.0) */
    mangled[n] = '\0';
    char *d = __cxa_demangle(mangled, NULL, NULL, &status);
    if (status == 0 && d) {
        size_t len;
        const char *shown = cxx_name(d, &len);
        emit(ctx, shown, len);
    }
    free(d);
    return status == 0;
}

static void emit_name(const sym *s, go__emit_fn emit, void *ctx) {
    if (s->name && emit_cxx_name(s->name, base_len(s->name), emit, ctx)) return;
    if (s->name)
        emit(ctx, s->name, base_len(s->name));
    else
        emit_str(emit, ctx, "??");
}

/* "\tfile:line +0xoff" (no offset for an inlined call), " pc=0x..." when pc is given
 * (GOTRACEBACK=system: Go's pc=; its fp= and sp= are not known here), "\n". */
static void emit_place(const sym *s, uintptr_t pc, go__emit_fn emit, void *ctx) {
    emit_str(emit, ctx, "\t");
    if (s->file) {
        emit_str(emit, ctx, s->file);
        emit_str(emit, ctx, ":");
        go__emit_num(emit, ctx, (uintptr_t)s->line, false);
    } else {
        emit_str(emit, ctx, s->module ? s->module : "??");
    }
    if (!s->inl) {
        emit_str(emit, ctx, " +");
        go__emit_num(emit, ctx, s->off, true);
    }
    if (pc) {
        emit_str(emit, ctx, " pc=");
        go__emit_num(emit, ctx, pc, true);
    }
    emit_str(emit, ctx, "\n");
}

static void emit_frame(const sym *s, const char *as, uintptr_t pc, go__emit_fn emit, void *ctx) {
    if (as)
        emit_str(emit, ctx, as);
    else
        emit_name(s, emit, ctx);
    emit_str(emit, ctx, "(...)\n");
    emit_place(s, pc, emit, ctx);
}

/* Go's printcreatedby: "created by f in goroutine N" and the place of the go_go call, g's
 * gopc (a return address): the function is the real one, the place the innermost inlined
 * call's, the offset the return address's. */
void go__print_created_by(const go__g *g, go__emit_fn emit, void *ctx) {
    if (!g || !g->gopc) return;
    uintptr_t ra = (uintptr_t)g->gopc;
    Dwfl *d = open_dwfl();
    sym buf[MAXINL];
    int k = symbolize(d, ra - 1, buf);
    sym s = buf[k - 1];
    s.file = buf[0].file;
    s.line = buf[0].line;
    s.inl = false;
    s.off += 1;
    emit_str(emit, ctx, "created by ");
    emit_name(&s, emit, ctx);
    emit_str(emit, ctx, " in goroutine ");
    go__emit_num(emit, ctx, (uintptr_t)g->parent_goid, false);
    emit_str(emit, ctx, "\n");
    emit_place(&s, 0, emit, ctx);
#ifdef GODEFER_HAVE_LIBDW
    if (d) dwfl_end(d);
#endif
}

/* Past TRACE_ELIDE_OVER frames, only the innermost and outermost TRACE_KEEP are shown. */
#define TRACE_ELIDE_OVER 100
#define TRACE_KEEP 50
/* Frames a trace holds: each program counter may give inlined calls too. */
#define TRACE_FRAMES (GO__TRACE_MAX + 64)

/* The frames kept so far, and where the walk is. */
typedef struct frames {
    sym *fr;
    int n;
    bool started; /* a frame was kept: leading runtime frames are hidden */
    bool done;    /* the trace ended (main, or the thread's start) */
} frames;

/* Keeps s as Go would show it: the runtime's own frames are hidden, except panic entry
 * points in the middle of the trace ("panic(...)"); the trace stops after main or at the
 * thread's start routine's caller. */
static void keep(frames *t, const sym *s) {
    /* Leading runtime frames are hidden, panic entries included (Go shows gopanic only
     * once a frame was printed), but not Goexit: a deferred call that faults in Goexit's
     * loop leaves runtime.Goexit as Go's first frame. */
    if (!t->started) {
        if (is_runtime(s) && !name_is(s, "go_goexit")) return;
        t->started = true;
    }
    if (is_thread_base(s)) {
        t->done = true;
        return;
    }
    if (is_runtime(s) && !is_panic_entry(s) && !name_is(s, "go_goexit")) return;
    if (is_sanitizer(s)) return;
    /* The part of f that GCC's ipa-split outlined (f.part.N) is called by the rest of f:
     * one Go frame. */
    const sym *last = t->n > 0 ? &t->fr[t->n - 1] : NULL;
    if (last && last->name && strstr(last->name, ".part.") && s->name &&
        base_len(s->name) == base_len(last->name) &&
        strncmp(s->name, last->name, base_len(s->name)) == 0)
        return;
    t->fr[t->n++] = *s;
    if (name_is(s, "main")) t->done = true;
}

/* Symbolizes pcs (innermost first) into t's frames.  With system (GOTRACEBACK=system),
 * every frame is kept, with its pc, as Go shows its runtime's frames then. */
static void collect(frames *t, Dwfl *d, void **pcs, int n, bool system) {
    bool faulted = false;
    for (int i = 0; i < n && !t->done; i++) {
        uintptr_t pc = (uintptr_t)pcs[i];
        uintptr_t look = i > 0 ? pc - 1 : pc; /* return addresses point past the call */
        /* go__sigpanic's return address is the faulting pc + a bias: the place is the
         * faulting instruction itself. */
        uintptr_t place = faulted ? pc - GO__SIGPANIC_RA_BIAS : pc;
        sym buf[MAXINL];
        int k = symbolize(d, look, buf);
        bool lib = in_godefer_object(look);
        faulted = name_is(&buf[k - 1], "go__sigpanic");
        for (int j = 0; j < k && t->n < TRACE_FRAMES && !t->done; j++) {
            sym *s = &buf[j];
            s->lib = lib;
            if (!s->inl) s->off += place - look;
            s->pc = system && !s->inl ? place : 0;
            if (system)
                t->fr[t->n++] = *s;
            else
                keep(t, s);
        }
    }
}

static void print_frames(const frames *t, go__emit_fn emit, void *ctx) {
    for (int i = 0; i < t->n; i++) {
        if (t->n > TRACE_ELIDE_OVER && i == TRACE_KEEP) {
            emit_str(emit, ctx, "...");
            go__emit_num(emit, ctx, (uintptr_t)(t->n - 2 * TRACE_KEEP), false);
            emit_str(emit, ctx, " frames elided...\n");
            i = t->n - TRACE_KEEP;
        }
        const sym *s = &t->fr[i];
        emit_frame(s, is_panic_entry(s) ? "panic" : NULL, s->pc, emit, ctx);
    }
}

/* Prints the frames of pcs (innermost first) as Go does (collect, print_frames). */
static void *volatile trace_held[2]; /* see go__print_trace */

void go__print_trace(void **pcs, int n, bool system, go__emit_fn emit, void *ctx) {
    Dwfl *d = open_dwfl();
    frames t = {.fr = calloc(TRACE_FRAMES, sizeof *t.fr)};
    /* Only the reporting thread gets here.  What it allocates stays reachable while it
     * runs, also once a fault cut the trace short (report.c's guard): not a leak. */
    trace_held[0] = d;
    trace_held[1] = t.fr;
    if (t.fr) {
        collect(&t, d, pcs, n, system);
        print_frames(&t, emit, ctx);
    }
    free(t.fr);
#ifdef GODEFER_HAVE_LIBDW
    if (d) dwfl_end(d);
#endif
    trace_held[0] = trace_held[1] = NULL;
}

/* Go's test/fixedbugs/issue30116.go and issue30116u.go (Go's bounds checks), ported: every
 * case of each, through go_index and go_check_slice*, with the expected texts read from
 * Go's own .out files, not typed here (so this program needs GOROOT/test, golang-go). */
#include "harness.h"

#include "faults.h"

/* ---- Go's expected output ---------------------------------------------------------- */

static const char *goroot(void) {
    static char root[4096];
    const char *env = getenv("GOROOT");
    if (env && *env) return env;
    if (access("/usr/lib/go/test/fixedbugs/issue30116.out", R_OK) == 0) return "/usr/lib/go";
    FILE *p = popen("go env GOROOT 2>/dev/null", "r");
    if (p) {
        if (fgets(root, sizeof root, p)) root[strcspn(root, "\n")] = '\0';
        pclose(p);
        if (root[0]) return root;
    }
    return "/usr/lib/go"; /* Debian's golang-go */
}

/* ---- the C version of each Go expression -------------------------------------------- */

static go_any result;
static void keep(go_any *out) { *out = go_recover(); }

/* One line of the .out file: "slice[-1:3]", "array[0:0:4]", "string[3]", signed or not. */
typedef struct expr {
    char kind[8];
    int n;
    int64_t s[3];
    uint64_t u[3];
    bool sgn;
} expr;

static void eval(const expr *e) {
    bool slice = strcmp(e->kind, "slice") == 0; /* arrays and strings: "length" */
    go_frame {
        go_defer(keep, &result);
        if (e->sgn) {
            const int64_t *x = e->s;
            if (e->n == 1) (void)go_index(x[0], 3);
            if (e->n == 2 && slice) go_check_slice(x[0], x[1], 3);
            if (e->n == 2 && !slice) go_check_slice_len(x[0], x[1], 3);
            if (e->n == 3 && slice) go_check_slice3(x[0], x[1], x[2], 3);
            if (e->n == 3 && !slice) go_check_slice3_len(x[0], x[1], x[2], 3);
        } else {
            const uint64_t *x = e->u;
            if (e->n == 1) (void)go_index(x[0], 3);
            if (e->n == 2 && slice) go_check_slice(x[0], x[1], 3);
            if (e->n == 2 && !slice) go_check_slice_len(x[0], x[1], 3);
            if (e->n == 3 && slice) go_check_slice3(x[0], x[1], x[2], 3);
            if (e->n == 3 && !slice) go_check_slice3_len(x[0], x[1], x[2], 3);
        }
    }
}

static bool parse(const char *s, bool sgn, expr *e) {
    memset(e, 0, sizeof *e);
    e->sgn = sgn;
    const char *b = strchr(s, '[');
    if (!b || (size_t)(b - s) >= sizeof e->kind) return false;
    memcpy(e->kind, s, (size_t)(b - s));
    for (const char *p = b + 1; e->n < 3;) {
        char *end;
        if (sgn)
            e->s[e->n] = strtoll(p, &end, 10);
        else
            e->u[e->n] = strtoull(p, &end, 10);
        if (end == p) return false;
        e->n++;
        if (*end == ']') return true;
        if (*end != ':') return false;
        p = end + 1;
    }
    return false;
}

static void run_file(const char *name, bool sgn) {
    char path[4200];
    snprintf(path, sizeof path, "%s/test/fixedbugs/%s", goroot(), name);
    FILE *f = fopen(path, "r");
    if (!f) {
        HFAIL("cannot read %s: Go's test files are the expected texts (golang-go)", path);
        return;
    }
    char line[512];
    int n = 0, panics = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *p = line + strspn(line, " ");
        char *sp = strchr(p, ' ');
        if (!sp) continue;
        *sp = '\0';
        const char *want = sp + 1;
        expr e;
        if (!parse(p, sgn, &e)) {
            HFAIL("%s: cannot parse \"%s\"", name, p);
            continue;
        }
        result = go_nil();
        eval(&e);
        char got[256];
        if (go_isnil(result)) {
            snprintf(got, sizeof got, "no panic");
        } else {
            ASSERT(go_is_runtime_error(result));
            snprintf(got, sizeof got, "%s", errtext(result));
            go_any_release(result);
            panics++;
        }
        if (strcmp(got, want) != 0) HFAIL("%s %s:\n    got  %s\n    want %s", name, p, got, want);
        n++;
    }
    fclose(f);
    printf("# %s: %d cases (%d panics) checked\n", name, n, panics);
    ASSERT(n > 300);
}

static void test_issue30116(void) { run_file("issue30116.out", true); }
static void test_issue30116u(void) { run_file("issue30116u.out", false); }

static const harness_case cases[] = {
    {"issue30116", test_issue30116},
    {"issue30116u", test_issue30116u},
    {0},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }

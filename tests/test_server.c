/* examples/coro_server.c, driven by a client: 1,000 concurrent connections (nonblocking
 * sockets in one epoll loop) with a mix of good and bad requests, in three rounds.  Every
 * request gets its answer, the server's descriptors go back to what they were and its
 * resident memory does not grow in the third round, and SIGTERM ends it cleanly.  The
 * server runs in a process of its own (CORO_SERVER: its path, from tests/CMakeLists.txt). */
#include "harness.h"
#include "faults.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define CONNS 1000
/* Every BIG_EVERY-th connection also echoes 5 MiB and reads it slowly: more than the
 * server's socket buffer holds (tcp_wmem: 4 MiB at most), so the server's writes block. */
#define BIG_EVERY 500
#define BIG_LINES 1280
#define BIG_LINE 4000

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

__attribute__((format(printf, 2, 3))) static void add(buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    while (b->len + (size_t)n + 1 > b->cap) /* doubling: ASan's realloc always copies */
        b->p = realloc(b->p, b->cap = b->cap ? 2 * b->cap : 256);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
    va_end(ap);
    va_end(ap2);
}

/* Connection i's requests and the replies they must get, in an order that depends on i. */
static void script(int i, buf *out, buf *want) {
    enum { KINDS = 8 };
    for (int k = 0; k < KINDS; k++) {
        switch ((i + k) % KINDS) {
        case 0: add(out, "echo hello %d\n", i), add(want, "hello %d\n", i); break;
        case 1: add(out, "add %d 7\n", i), add(want, "%d\n", i + 7); break;
        case 2: add(out, "frob %d\n", i), add(want, "error: bad request \"frob\"\n"); break;
        case 3: add(out, "add 1 zz\n"), add(want, "error: bad number \"zz\"\n"); break;
        case 4:
            add(out, "div 1000 %d\n", i % 7 + 1), add(want, "%d\n", 1000 / (i % 7 + 1));
            break;
        case 5: add(out, "len abcdef\n"), add(want, "6\n"); break;
        case 6: /* Memcheck reports a fault's load and the writes of the panic it
                 * becomes on a coroutine stack (test_coro and test_fault hide them) */
            if (RUNNING_ON_VALGRIND) break;
            add(out, "len\n");
            add(want,
                "error: runtime error: invalid memory address or nil pointer dereference\n");
            break;
        case 7: /* as 6; and an aarch64 division by zero does not trap: it gives 0 */
#if defined(__x86_64__)
            if (RUNNING_ON_VALGRIND) break;
            add(out, "div %d 0\n", i);
            add(want, "error: runtime error: integer divide by zero\n");
#endif
            break;
        }
    }
    for (int l = 0; i % BIG_EVERY == 0 && l < BIG_LINES; l++) {
        add(out, "echo %d:%0*d\n", l, BIG_LINE, i);
        add(want, "%d:%0*d\n", l, BIG_LINE, i);
    }
}

/* ---- the server process ---- */

static pid_t server_pid;

/* Starts the server on an ephemeral port and returns the port. */
static int start_server(void) {
    int p[2];
    if (pipe(p)) return -1;
    fflush(NULL);
    if ((server_pid = fork()) == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* no server left behind by a killed test */
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        /* glibc keeps its heap's free top: the RSS is then the high-water mark, which a
         * second round that leaks nothing does not raise (trimming makes it jump 2 MiB). */
        setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=4294967295", 1);
        const char *emu = getenv("GODEFER_TEST_EMULATOR"); /* as harness.h's children */
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "exec %s %s 0", emu, CORO_SERVER);
        if (emu && *emu)
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        else
            execl(CORO_SERVER, CORO_SERVER, "0", (char *)NULL);
        _exit(98);
    }
    close(p[1]);
    char line[128] = "";
    FILE *f = fdopen(p[0], "r");
    int port = -1;
    if (fgets(line, sizeof line, f)) sscanf(line, "listening on 127.0.0.1:%d", &port);
    fclose(f);
    return port;
}

static int count_fds(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)server_pid);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static long rss_kib(void) {
    char path[64];
    long pages = -1, res = -1;
    snprintf(path, sizeof path, "/proc/%d/statm", (int)server_pid);
    FILE *f = fopen(path, "r");
    if (f && fscanf(f, "%ld %ld", &pages, &res) != 2) res = -1;
    if (f) fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* ---- the client ---- */

typedef struct client {
    int fd;
    buf out, want;
    size_t sent, got, miss; /* miss: the start of the read that differed */
    bool slow;              /* a 5 MiB echo, read a little at a time */
    bool connected, done, bad;
} client;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads what is there (a slow client: 1 KiB); false when c is finished (its end of
 * input, or an error). */
static bool take(client *c) {
    char tmp[65536];
    for (bool more = true; more; more = !c->slow) {
        ssize_t r = recv(c->fd, tmp, c->slow ? 1024 : sizeof tmp, 0);
        if (r < 0) {
            if (errno == EAGAIN) return true;
            c->bad = errno != EINTR;
            if (c->bad) return false;
            continue;
        }
        if (r == 0) return false;
        if (!c->bad &&
            (c->got + (size_t)r > c->want.len || memcmp(c->want.p + c->got, tmp, (size_t)r)))
            c->bad = true, c->miss = c->got;
        c->got += (size_t)r;
    }
    return true;
}

static void give(client *c, int ep) {
    ssize_t w = send(c->fd, c->out.p + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) c->bad = true;
    if (w > 0) c->sent += (size_t)w;
    if (c->sent == c->out.len) { /* all sent: the server's end of input, then only reads */
        shutdown(c->fd, SHUT_WR);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void finish(client *c, int ep, int *left) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->done = true;
    c->bad |= c->got != c->want.len;
    --*left;
}

/* One round: n connections, all open at once (then the server's high-water mark is the
 * same in every round), then each sends its script and reads to the end. */
static void round_(int port, int n, double limit) {
    client *cs = calloc((size_t)n, sizeof *cs);
    int ep = epoll_create1(0), left = n, connected = 0;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < n; i++) {
        client *c = &cs[i];
        script(i, &c->out, &c->want);
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        c->slow = i % BIG_EVERY == 0;
        int small = 4096; /* with the slow reads: the server's writes must wait */
        if (c->slow) setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        if (c->fd < 0 ||
            (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) && errno != EINPROGRESS)) {
            HFAIL("connection %d: %s", i, strerror(errno));
            c->done = c->bad = true, left--;
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
    double end = now() + limit;
    struct epoll_event evs[256];
    while (left > 0 && now() < end) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < k; e++) {
            client *c = evs[e].data.ptr;
            if ((evs[e].events & EPOLLOUT) && !c->connected) c->connected = true, connected++;
            if ((evs[e].events & EPOLLOUT) && connected == n && c->sent < c->out.len)
                give(c, ep);
            if (c->bad || ((evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !take(c)))
                finish(c, ep, &left);
        }
    }
    int bad = 0, first = -1;
    for (int i = 0; i < n; i++) {
        client *c = &cs[i];
        if (!c->done && c->fd >= 0) close(c->fd);
        if (c->bad || !c->done) bad++, first = first < 0 ? i : first;
        free(c->out.p);
    }
    close(ep);
    if (left) HFAIL("%d of %d connections unfinished after %.0f s", left, n, limit);
    if (bad) {
        client *c = &cs[first];
        HFAIL("%d of %d connections without their answers; the first, %d: %zu of %zu bytes, "
              "a difference in what came from byte %zu of\n%.300s",
              bad, n, first, c->got, c->want.len, c->miss,
              c->want.p + (c->miss < c->want.len ? c->miss : 0));
    }
    for (int i = 0; i < n; i++) free(cs[i].want.p);
    free(cs);
}

/* Room for n connections on each side: the soft fd limit raised to the hard one. */
static int fit(int n) {
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl); /* Valgrind keeps the limit it started with */
    if (rl.rlim_cur >= (rlim_t)n + 64) return n;
    printf("# fd limit %ld: %ld concurrent connections instead of %d\n", (long)rl.rlim_cur,
           (long)rl.rlim_cur - 64, n);
    return (int)rl.rlim_cur - 64;
}

/* Connections left inside a request (no newline yet): their coroutines wait in
 * read_line when SIGTERM comes, and go_coro_free runs their deferred closes. */
enum { IDLE = 10 };
static void open_idle(int port, int *fds, int base) {
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < IDLE; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        ASSERT(connect(fds[i], (struct sockaddr *)&sa, sizeof sa) == 0);
        ASSERT(send(fds[i], "echo unfinished", 15, 0) == 15);
    }
    for (double end = now() + 10; count_fds() != base + IDLE && now() < end;) usleep(1000);
    ASSERT_INT(count_fds(), base + IDLE); /* all accepted */
}

static void test_thousand_connections(void) {
    int n = fit(CONNS);
    bool emulated = RUNNING_ON_VALGRIND || getenv("GODEFER_TEST_EMULATOR");
    double limit = emulated ? 120 : 20, t0 = now();
    int port = start_server();
    if (port <= 0) {
        HFAIL("the server did not start (%s)", CORO_SERVER);
        if (server_pid > 0) kill(server_pid, SIGKILL), waitpid(server_pid, NULL, 0);
        return;
    }
    /* Three rounds, RSS compared after the second and the third: in the first, glibc's
     * calloc hands out fresh (untouched) pages without clearing them, so a later round's
     * first touch can raise the RSS by up to 1.5 MiB without any leak. */
    int fds = count_fds();
    long rss[3];
    for (int r = 0; r < 3; r++) {
        round_(port, n, limit);
        ASSERT_INT(count_fds(), fds);
        rss[r] = rss_kib();
    }
    printf("# %d connections, 3 rounds, %.1f s; server RSS %ld, %ld, %ld KiB\n", n, now() - t0,
           rss[0], rss[1], rss[2]);
#if defined(TEST_ASAN) || defined(TEST_TSAN)
    printf("# RSS growth not checked: the sanitizer keeps freed memory (quarantine, shadow)\n");
#else
    if (emulated)
        printf("# RSS growth not checked: the emulator's or Valgrind's own memory\n");
    else if (rss[2] - rss[1] > 256)
        HFAIL("server RSS grew by %ld KiB in the third round", rss[2] - rss[1]);
#endif
    int idle[IDLE];
    open_idle(port, idle, fds);
    kill(server_pid, SIGTERM);
    int st;
    waitpid(server_pid, &st, 0);
    ASSERT(WIFEXITED(st));
    ASSERT_INT(WEXITSTATUS(st), 0);
    for (int i = 0; i < IDLE; i++) {
        char c;
        ASSERT(recv(idle[i], &c, 1, 0) == 0); /* closed, without an answer */
        close(idle[i]);
    }
}

static const harness_case cases[] = {{"thousand_connections", test_thousand_connections}, {0}};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }

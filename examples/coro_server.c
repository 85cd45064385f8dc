/* A loopback echo/calculator server: an epoll loop, and each connection a go_coro.
 *
 *   coro_server [PORT]        (0 or none: an ephemeral port, printed)
 *   $ printf 'add 2 3\ndiv 7 0\nlen\nfrob\necho hi\n' | nc -q1 127.0.0.1 PORT
 *   5 / error: runtime error: integer divide by zero / error: runtime error: invalid
 *   memory address or nil pointer dereference / error: bad request "frob" / hi
 *
 * Each connection's handler reads like blocking code: it yields to the loop when a read
 * or write would block, defers closing its socket, and turns every panic of a request
 * (bad input, a nil dereference, a division by zero) into an error reply.  SIGINT or
 * SIGTERM stops the loop; freeing the suspended coroutines runs their deferred closes. */
#define _GNU_SOURCE
#include <godefer.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    int fd;
    go_coro *co;
    struct conn *prev, *next; /* the live connections, for the shutdown */
    size_t len;               /* bytes in buf */
    char buf[4096];
};

/* ---- I/O that yields: the loop resumes the coroutine when the socket is ready ---- */

static size_t read_some(int fd, char *p, size_t n) {
    for (;;) {
        ssize_t r = read(fd, p, n);
        if (r >= 0) return (size_t)r;
        if (errno == EAGAIN)
            go_coro_yield();
        else if (errno != EINTR)
            return 0; /* a reset: as the end of input */
    }
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w >= 0)
            p += w, n -= (size_t)w;
        else if (errno == EAGAIN)
            go_coro_yield();
        else if (errno != EINTR)
            go_goexit(); /* the peer is gone: end this connection */
    }
}

/* The next line of input without its '\n' (a full buffer is a line), NULL at the end. */
static char *read_line(struct conn *c, char *line) {
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl || c->len == sizeof c->buf) {
            size_t n = nl ? (size_t)(nl - c->buf) : c->len, used = n + (nl != NULL);
            memcpy(line, c->buf, n);
            line[n] = '\0';
            memmove(c->buf, c->buf + used, c->len - used);
            c->len -= used;
            return line;
        }
        size_t r = read_some(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (r == 0) return NULL;
        c->len += r;
    }
}

/* ---- the requests: bugs and bad input panic ---- */

/* UBSan would stop the server at these bugs before the CPU faults. */
__attribute__((no_sanitize("undefined"))) static long divide(long a, long b) { return a / b; }
__attribute__((no_sanitize("undefined"))) static long length(const char *s) {
    long n = 0;
    while (s[n]) n++; /* "len" without an argument: s is NULL */
    return n;
}

static long number(const char *s) {
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || errno || *end || end == s) go_panic(go_errorf("bad number \"%s\"", s ? s : ""));
    return v;
}

static long sum(long a, long b) {
    long s;
    if (__builtin_add_overflow(a, b, &s)) go_panic(go_error("integer overflow"));
    return s;
}

/* Writes the reply to one request line into out. */
static void answer(char *line, char *out, size_t size) {
    char *save, *cmd = strtok_r(line, " ", &save), *a = strtok_r(NULL, " ", &save);
    char *b = strtok_r(NULL, "", &save);
    if (cmd && strcmp(cmd, "echo") == 0)
        snprintf(out, size, "%s%s%s", a ? a : "", b ? " " : "", b ? b : "");
    else if (cmd && strcmp(cmd, "add") == 0)
        snprintf(out, size, "%ld", sum(number(a), number(b)));
    else if (cmd && strcmp(cmd, "div") == 0)
        snprintf(out, size, "%ld", divide(number(a), number(b)));
    else if (cmd && strcmp(cmd, "len") == 0)
        snprintf(out, size, "%ld", length(a));
    else
        go_panic(go_errorf("bad request \"%s\"", cmd ? cmd : ""));
}

/* ---- the handler: one coroutine per connection ---- */

struct reply {
    char text[4200];
};

static void to_error_reply(struct reply *r) {
    go_any p = go_recover();
    if (go_isnil(p)) return;
    char msg[256];
    go_sprint(msg, sizeof msg, p); /* its Error() */
    snprintf(r->text, sizeof r->text, "error: %s", msg);
    go_any_release(p); /* go_errorf's text */
}

static void close_conn(struct conn *c) { close(c->fd); }

static void serve(struct conn *c) {
    go_set_panic_on_fault(true); /* per goroutine, as in Go: this coroutine's faults panic */
    go_frame {
        go_defer(close_conn, c); /* however the coroutine ends, or is freed */
        char line[sizeof c->buf + 1];
        while (read_line(c, line)) {
            struct reply r = {{0}};
            go_frame {
                go_defer(to_error_reply, &r); /* a panic of this request: its reply */
                answer(line, r.text, sizeof r.text);
            }
            strcat(r.text, "\n");
            write_all(c->fd, r.text, strlen(r.text));
        }
    }
}

/* ---- the loop ---- */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4096)) {
        perror("listen");
        exit(1);
    }
    return fd;
}

static struct conn live = {.prev = &live, .next = &live}; /* the list's head */

/* Runs c until it waits for its socket; frees it once it has ended. */
static void run(struct conn *c) {
    if (go_coro_resume(c->co)) return;
    go_coro_free(c->co);
    c->prev->next = c->next;
    c->next->prev = c->prev;
    free(c);
}

static void accept_all(int lfd, int ep) {
    int fd;
    while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        struct conn *c = calloc(1, sizeof *c);
        c->fd = fd;
        c->co = go_coro_new_sized(serve, c, 64 * 1024);
        c->next = live.next;
        c->prev = &live;
        live.next->prev = c;
        live.next = c;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                                 .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        run(c); /* up to its first read */
    }
    if (errno != EAGAIN && errno != EINTR) perror("accept"); /* EMFILE: at the fd limit */
}

int main(int argc, char **argv) {
    int lfd = listen_on(argc > 1 ? atoi(argv[1]) : 0), ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    /* The signals only arrive inside epoll_pwait, which they end: none is missed. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigset_t stops, waiting;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigprocmask(SIG_BLOCK, &stops, &waiting);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &len);
    printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port)); /* ready */
    fflush(stdout);
    while (!stop) {
        int n = epoll_pwait(ep, evs, 256, -1, &waiting);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr)
                run(evs[i].data.ptr);
            else
                accept_all(lfd, ep);
        }
    }
    while (live.next != &live) { /* suspended: go_coro_free runs its deferred close */
        struct conn *c = live.next;
        live.next = c->next;
        go_coro_free(c->co);
        free(c);
    }
    close(ep);
    close(lfd);
    return 0;
}

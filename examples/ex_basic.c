/* Deferred calls run last-in first-out when the frame is left, whatever the way out;
 * their arguments are evaluated at the defer. */
#include <godefer.h>
#include <stdlib.h>
#include <string.h>

static void say(const char *s) { printf("  deferred: %s\n", s); }
static void show_int(int *p) { printf("  deferred: i = %d\n", *p); }

static int first_word_len(const char *text) {
    go_frame {
        char *copy = strdup(text);
        go_defer(free, copy);             /* freed however we leave */
        go_defer(say, "leaving first_word_len");
        char *sp = strchr(copy, ' ');
        if (!sp) return (int)strlen(copy); /* the deferred calls run after the result is computed */
        *sp = '\0';
        return (int)strlen(copy);
    }
    return -1;
}

int main(void) {
    printf("first_word_len = %d\n", first_word_len("hello world"));
    go_frame {
        for (int i = 0; i < 3; i++) go_defer_val(show_int, i); /* a copy of i, made now */
        printf("loop done; deferred calls run now, newest first:\n");
    }
    return 0;
}

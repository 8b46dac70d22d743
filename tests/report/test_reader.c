/* tests/report/test_reader.c — the report reader: records written by the writer read back
 * equal, every kind of damaged line named FILE:LINE and skipped, a cut-off last line
 * forgiven, and a bounded random-mutation fuzz run that must never crash (run under ASan by
 * `make asan`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "profiler/sink.h"
#include "report/reader.h"

static const char header[] = "{\"type\":\"header\",\"format\":\"blasshim-report\",\"version\":1,"
                             "\"pid\":42,\"argv\":[\"x\"]}\n";

static bs_record sample(int seq)
{
    bs_record r = {
        .seq = seq,
        .ts_ns = 1000 + seq,
        .pid = 42,
        .tid = 43,
        .routine = seq % 2 ? "sgemm" : "dgemm",
        .api = "cblas",
        .order = "row",
        .transa = "N",
        .transb = "T",
        .m = 3 + seq,
        .n = 5,
        .k = 7,
        .alpha = 0.1,
        .beta = -2.5,
        .lda = 7,
        .ldb = 7,
        .ldc = 5,
        .kernel = "vectorized",
        .threads = 1,
        .wall_ns = 1234,
        .cpu_ns = -1,
        .flops = 2 * (3 + seq) * 5 * 7,
        .gflops = 0.5,
        .a_bytes = 100,
        .b_bytes = 200,
        .c_bytes = 300,
        .workspace_bytes = 0,
        .rss_before_bytes = -1,
        .rss_after_bytes = -1,
        .rss_delta_bytes = BS_NULL_I64,
        .peak_rss_bytes = -1,
        .caller = seq % 3 ? "main+0x42 (my \"app\")" : NULL,
        .max_rel_err = seq % 2 ? 1e-7 : -1,
        .nonfinite = seq % 2 ? 0 : -1,
    };
    if (seq % 4 == 1) {
        r.frames.n = 2;
        r.frames.f[0] = "main+0x42 (app)";
        r.frames.f[1] = "__libc_start_main+0x85 (libc.so.6)";
    }
    return r;
}

typedef struct seen {
    int calls, headers;
    bs_record last;
    char caller[128], routine[16]; /* the view's strings live only during the callback */
    size_t nframes;
} seen;

static void on_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    seen *s = ctx;
    s->calls++;
    s->last = c->r;
    snprintf(s->caller, sizeof s->caller, "%s", c->r.caller ? c->r.caller : "(null)");
    snprintf(s->routine, sizeof s->routine, "%s", c->r.routine);
    s->nframes = c->frames ? json_array_size(c->frames) : 0;
    /* touch every string, as a consumer would */
    size_t n = strlen(c->r.routine) + strlen(c->r.kernel) + strlen(c->r.api);
    (void)n;
}

static void on_header(void *ctx, const char *file, json_t *h)
{
    (void)file, (void)h;
    ((seen *)ctx)->headers++;
}

static int read_text(const char *text, seen *s, bs_read_stats *st)
{
    memset(s, 0, sizeof *s);
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    bs_reader_handler h = {s, on_header, on_call, NULL, NULL, NULL};
    int rc = bs_read_stream(f, "mem.jsonl", &h, st);
    fclose(f);
    return rc;
}

/* a report of n sample calls, as the writer writes them */
static char *report_of(int n)
{
    size_t cap = sizeof header + (size_t)n * 2048;
    char *buf = malloc(cap);
    size_t len = strlen(header);
    memcpy(buf, header, len);
    for (int i = 1; i <= n; i++) {
        bs_record r = sample(i);
        len += bs_format_call(&r, buf + len, cap - len);
    }
    buf[len] = '\0';
    return buf;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int i = 1; i <= 8; i++) {
        char *text = report_of(i);
        seen s;
        bs_read_stats st;
        assert_int_equal(read_text(text, &s, &st), 0);
        assert_int_equal(s.calls, i);
        bs_record want = sample(i), got = s.last;
        assert_int_equal(got.seq, want.seq);
        assert_int_equal(got.m, want.m);
        assert_string_equal(s.routine, want.routine);
        assert_true(got.alpha == want.alpha && got.beta == want.beta); /* exact */
        assert_int_equal(got.cpu_ns, -1);
        assert_true(got.rss_delta_bytes == BS_NULL_I64);
        assert_int_equal(got.nonfinite, want.nonfinite);
        assert_string_equal(s.caller, want.caller ? want.caller : "(null)");
        assert_int_equal(s.nframes, (size_t)want.frames.n);
        free(text);
    }
}

static void test_cut_off_last_line(void **state)
{
    (void)state;
    char *text = report_of(5);
    text[strlen(text) - 40] = '\0'; /* killed mid-line */
    seen s;
    bs_read_stats st;
    assert_int_equal(read_text(text, &s, &st), 0);
    assert_int_equal(s.calls, 4);
    assert_int_equal(st.partial_last, 1);
    free(text);
}

static void test_damaged_lines_are_skipped(void **state)
{
    (void)state;
    char *good = report_of(3);
    const char *bad[] = {
        "{\"type\":\"call\",\"seq\":1}\n", /* fields missing */
        "not json at all\n",               /* not JSON */
        "{\"type\":\"cal\"}\n",            /* unknown type */
        "[1,2,3]\n",                       /* no type */
        "\n",                              /* empty line */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[16384];
        char *second = strchr(good, '\n') + 1; /* insert after the header */
        snprintf(text, sizeof text, "%.*s%s%s", (int)(second - good), good, bad[i], second);
        seen s;
        bs_read_stats st;
        assert_int_equal(read_text(text, &s, &st), 1);
        assert_int_equal(s.calls, 3);
        assert_int_equal(st.malformed, 1);
    }
    free(good);
}

static void test_not_a_report(void **state)
{
    (void)state;
    const char *texts[] = {"", "hello\nworld\n", "{\"type\":\"call\"}\n", "\x01\x02\x03"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        seen s;
        bs_read_stats st;
        assert_int_equal(read_text(texts[i], &s, &st), 2);
        assert_int_equal(s.calls, 0);
    }
}

/* Bounded random mutation of a real report: flips, inserts, deletes, truncations, spliced
 * lines. The reader must not crash or over-read (ASan in `make asan`), whatever the bytes. */
static void test_fuzz(void **state)
{
    (void)state;
    char *seed = report_of(12);
    const size_t seed_len = strlen(seed);
    uint64_t x = 0x9E3779B97F4A7C15ull;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    char *buf = malloc(seed_len * 2 + 64);
    long total_calls = 0;
    /* the reader names every bad line on stderr: silence it for the run */
    fflush(stderr);
    int saved = dup(2), quiet = open("/dev/null", O_WRONLY);
    dup2(quiet, 2);
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = seed_len;
        memcpy(buf, seed, len);
        int edits = 1 + (int)(RND() % 8);
        for (int e = 0; e < edits && len > 1; e++) {
            size_t at = RND() % len;
            switch (RND() % 6) {
            case 0: buf[at] ^= (char)(1u << (RND() % 8)); break;                 /* bit flip */
            case 1: buf[at] = (char)(RND() % 256); break;                        /* any byte */
            case 2: memmove(buf + at, buf + at + 1, len - at - 1), len--; break; /* delete */
            case 3:                                                              /* insert */
                if (len < seed_len * 2) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = "{}[]\",:\\0n\n"[RND() % 11];
                    len++;
                }
                break;
            case 4: len = at + 1; break; /* truncate */
            default: {                   /* splice */
                size_t from = RND() % len, n = RND() % 64;
                if (from + n > len)
                    n = len - from;
                if (len + n < seed_len * 2) {
                    memmove(buf + at + n, buf + at, len - at);
                    memcpy(buf + at, seed + from % seed_len, n);
                    len += n;
                }
            }
            }
        }
        FILE *f = fmemopen(buf, len, "r");
        seen s;
        memset(&s, 0, sizeof s);
        bs_reader_handler h = {&s, on_header, on_call, NULL, NULL, NULL};
        bs_read_stats st;
        int rc = bs_read_stream(f, "fuzz", &h, &st);
        fclose(f);
        assert_in_range(rc, 0, 2);
        total_calls += s.calls;
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved), close(quiet);
    assert_true(total_calls > 0); /* many mutants still hold readable calls */
    free(buf);
    free(seed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_cut_off_last_line),
        cmocka_unit_test(test_damaged_lines_are_skipped),
        cmocka_unit_test(test_not_a_report),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}

/* profiler/pyframe.c — Python call sites, read from the interpreter's own frame stack.
 *
 * blasshim never links against libpython: the interpreter's symbols are looked up in the
 * process at set-up (dlsym), and the frame stack is read with the struct layouts of the one
 * version this file is compiled for (CPython 3.11, Debian's), which is checked at run time
 * (Py_Version); another version gets one note on stderr and no Python call sites.
 *
 * Why this is safe with or without the GIL: the frames read are those of the calling thread
 * itself, which is inside this BLAS call and so cannot push, pop or free a frame meanwhile,
 * and whose frames keep their code objects alive. Only immutable data is read (code objects,
 * their line tables and name strings, the interpreter's start-up configuration); no reference
 * count is touched, no Python API that needs the GIL is called. PyGILState_GetThisThreadState
 * reads a thread-local slot and returns NULL in threads Python did not create;
 * PyCode_Addr2Line only reads the line table. Each distinct (code object, instruction) is
 * formatted once and cached.
 *
 * User code and library code: the library directories are the interpreter's installation as
 * its configuration (PyConfig, fixed at start-up, read without the GIL) names it -- sys.prefix,
 * sys.exec_prefix, their base_ versions in a virtual environment, the stdlib directory; stdlib,
 * site-packages and dist-packages all lie there -- plus BLASSHIM_PYLIB; the current working
 * directory is user code. The deepest of these that holds a file decides (a .venv inside the
 * project is library code, a project inside /usr/local is user code). Synthetic files
 * (<frozen ...>, <__array_function__ internals>) are library code. The decision is made once
 * per call site (code object and instruction) and cached with the frame's text, so a call
 * costs one more lookup per library frame walked. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>

#include "intern.h"
#include "pyframe.h"
#include "warn.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#define TEXT_MAX 512
#define WALK_MAX 512 /* frames walked in search of user code, at most */
#define DIRS_MAX 32

static int nframes;
static int user_mode; /* BLASSHIM_PYCALLER=user */
static const char *pylib;
static PyThreadState *(*this_thread_state)(void);
static int (*addr2line)(PyCodeObject *, int);

/* formatted frames: key {code object, instruction, its file name, its function name} -- the
 * name objects too, since a freed code object's address can be reused by a new one. The text
 * stored is the frame's kind, 'L' (library code) or 'U' (user code; also every frame when
 * BLASSHIM_PYCALLER=innermost, which never asks), then "file:line in name": one lookup per
 * frame walked answers both questions. */
static bs_intern texts = BS_INTERN_INIT;

/* directories that decide a file's kind: the deepest that holds it wins */
static struct {
    char *path; /* no trailing slash, "" for the root */
    size_t len;
    int library;
} dirs[DIRS_MAX];
static int ndirs;
static char cwd[PATH_MAX];
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;
static _Atomic(PyInterpreterState *) config_of; /* the interpreter whose configuration is read */

void bs_py_setup(int enabled, int n, int user, const char *lib)
{
    nframes = n < 1 ? 1 : n > BS_MAX_FRAMES ? BS_MAX_FRAMES : n;
    user_mode = user;
    pylib = lib;
    if (!enabled)
        return;
    const unsigned long *version = dlsym(RTLD_DEFAULT, "Py_Version");
    void *gil = dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
    void *a2l = dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
    if (!gil && !version)
        return; /* not a Python process */
    unsigned long v = version ? *version : 0;
    if (!version || !gil || !a2l || (v >> 16) != ((PY_VERSION_HEX >> 16) & 0xffff)) {
        bs_warn("this is Python %lu.%lu; Python call sites (py_caller) need %d.%d, so they are off",
                (v >> 24) & 0xff, (v >> 16) & 0xff, PY_MAJOR_VERSION, PY_MINOR_VERSION);
        return;
    }
    *(void **)&this_thread_state = gil;
    *(void **)&addr2line = a2l;
}

/* One code point as UTF-8 (lone surrogates, which are not UTF-8, and controls become '?');
 * returns the bytes written, 0 when fewer than 5 bytes are left. */
static size_t put_utf8(Py_UCS4 c, char *out, size_t room)
{
    if (room < 5)
        return 0;
    if (c < 0x20 || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
        c = '?';
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* UTF-8 of a str object, without the API: compact strings hold their characters inline */
static void utf8_of(PyObject *o, char *out, size_t cap)
{
    size_t w = 0, k = 1;
    out[0] = '\0';
    if (!o || !PyUnicode_Check(o) || !PyUnicode_IS_READY(o))
        return;
    const Py_ssize_t len = PyUnicode_GET_LENGTH(o);
    const int kind = PyUnicode_KIND(o);
    const void *data = PyUnicode_DATA(o);
    for (Py_ssize_t i = 0; i < len && k; i++)
        w += k = put_utf8(PyUnicode_READ(kind, data, i), out + w, cap - w);
    out[w] = '\0';
}

/* UTF-8 of a configuration string (wchar_t is UCS-4 here), the same way */
static void utf8_of_wide(const wchar_t *s, char *out, size_t cap)
{
    size_t w = 0, k = 1;
    for (; s && *s && k; s++)
        w += k = put_utf8((Py_UCS4)*s, out + w, cap - w);
    out[w] = '\0';
}

static void add_dir(const char *path, int library)
{
    if (ndirs == DIRS_MAX || path[0] != '/')
        return; /* only absolute paths: a relative one would depend on the cwd */
    size_t len = strlen(path);
    while (len > 0 && path[len - 1] == '/')
        len--;
    for (int i = 0; i < ndirs; i++)
        if (dirs[i].len == len && memcmp(dirs[i].path, path, len) == 0) {
            dirs[i].library = library; /* a later, more specific rule wins */
            return;
        }
    char *copy = strndup(path, len);
    if (!copy)
        return;
    dirs[ndirs].path = copy;
    dirs[ndirs].len = len;
    dirs[ndirs++].library = library;
}

static void add_wide_dir(const wchar_t *path)
{
    char text[PATH_MAX];
    utf8_of_wide(path, text, sizeof text);
    add_dir(text, 1);
}

/* Once, at the first capture: the interpreter's directories from its configuration (set
 * before any Python code ran, never changed after), then BLASSHIM_PYLIB, then the cwd. */
static void find_dirs(void)
{
    PyInterpreterState *interp = atomic_load(&config_of);
    if (interp) {
        const PyConfig *c = &interp->config;
        add_wide_dir(c->prefix);
        add_wide_dir(c->base_prefix);
        add_wide_dir(c->exec_prefix);
        add_wide_dir(c->base_exec_prefix);
        add_wide_dir(c->stdlib_dir);
    }
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    add_dir(cwd, 0);
    if (pylib) {
        char path[PATH_MAX];
        for (const char *p = pylib; *p;) {
            size_t len = strcspn(p, ":");
            if (len > 0 && len < sizeof path) {
                int n = p[0] == '/' ? snprintf(path, sizeof path, "%.*s", (int)len, p)
                                    /* relative: to the cwd */
                                    : snprintf(path, sizeof path, "%s/%.*s", cwd, (int)len, p);
                struct stat st;
                if (n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                    add_dir(path, 1);
                else
                    bs_warn("BLASSHIM_PYLIB: %s is not a directory; ignored", path);
            }
            p += len + (p[len] == ':');
        }
    }
}

static int is_synthetic_library(const char *file)
{
    size_t len = strlen(file);
    return file[0] == '<' && (strncmp(file, "<frozen ", 8) == 0 ||
                              (len > 11 && strcmp(file + len - 11, " internals>") == 0));
}

/* Library code or not, by the deepest directory that holds the file. */
static int is_library_file(const char *file)
{
    if (file[0] == '<')
        return is_synthetic_library(file);
    char abs[PATH_MAX];
    if (file[0] != '/') { /* relative to the cwd of start-up: under it, user code */
        if ((size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, file) >= sizeof abs)
            return 0;
        file = abs;
    }
    size_t best = 0;
    int library = 0, found = 0;
    for (int i = 0; i < ndirs; i++) {
        size_t len = dirs[i].len;
        if (strncmp(file, dirs[i].path, len) == 0 && file[len] == '/' && (!found || len > best)) {
            best = len;
            library = dirs[i].library;
            found = 1;
        }
    }
    return library;
}

typedef struct frame_info {
    const char *text; /* "file:line in name", valid for the life of the process */
    int library;
} frame_info;

/* The frame's text and kind, interned; keyed by the instruction, so the line table is decoded
 * and the file's directories searched once per call site, not once per call. */
static frame_info describe(_PyInterpreterFrame *f, PyInterpreterState *interp)
{
    PyCodeObject *code = f->f_code;
    const int addr = (int)(_PyInterpreterFrame_LASTI(f) * (int)sizeof(_Py_CODEUNIT));
    const uintptr_t key[BS_INTERN_KEY] = {(uintptr_t)code, (uintptr_t)(unsigned)addr,
                                          (uintptr_t)code->co_filename, (uintptr_t)code->co_name};
    const char *have = bs_intern_find(&texts, key);
    if (have)
        return (frame_info){have + 1, have[0] == 'L'};
    char file[PATH_MAX], name[128], text[TEXT_MAX];
    utf8_of(code->co_filename, file, sizeof file);
    utf8_of(code->co_name, name, sizeof name);
    int library = 0;
    if (user_mode) {
        PyInterpreterState *none = NULL; /* the first thread's interpreter, for find_dirs */
        atomic_compare_exchange_strong(&config_of, &none, interp);
        pthread_once(&dirs_once, find_dirs);
        library = is_library_file(file);
    }
    snprintf(text, sizeof text, "%c%.*s:%d in %s", library ? 'L' : 'U', TEXT_MAX / 2, file,
             addr2line(code, addr), name);
    const char *stored = bs_intern_add(&texts, key, text);
    /* a full table stores nothing and gives "(other)": the kind was decided all the same */
    return (frame_info){stored[0] == text[0] ? stored + 1 : stored, library};
}

/* the next complete frame from f on (f itself included), or NULL */
static _PyInterpreterFrame *complete(_PyInterpreterFrame *f)
{
    while (f && (_PyFrame_IsIncomplete(f) || !f->f_code))
        f = f->previous;
    return f;
}

void bs_py_capture(const char **caller, const char **frame, bs_frames *frames)
{
    *caller = *frame = NULL;
    frames->n = 0;
    if (!this_thread_state)
        return;
    PyThreadState *ts = this_thread_state();
    if (!ts || !ts->cframe)
        return; /* a thread Python did not create */
    _PyInterpreterFrame *innermost = complete(ts->cframe->current_frame);
    if (!innermost)
        return;
    _PyInterpreterFrame *from = innermost; /* py_caller's frame */
    frame_info in = describe(innermost, ts->interp), at = in;
    int all = 1; /* the stack keeps every frame, not only the user's */
    if (user_mode) {
        int walked = 1;
        while (at.library && (from = complete(from->previous)) && walked++ < WALK_MAX)
            at = describe(from, ts->interp);
        all = at.library; /* every frame is library code (or too many were): the innermost */
        if (all)
            from = innermost, at = in;
    }
    *caller = at.text;
    if (from != innermost)
        *frame = in.text;
    if (nframes == 1)
        return;
    /* the stack: py_caller's frame and, in user mode, the user frames outward from it */
    for (_PyInterpreterFrame *f = from; f && frames->n < nframes; f = complete(f->previous)) {
        frame_info fi = f == from ? at : describe(f, ts->interp);
        if (f == from || all || !fi.library)
            frames->f[frames->n++] = fi.text;
    }
}

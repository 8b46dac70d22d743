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
 * their line tables and name strings); no reference count is touched, no Python API that
 * needs the GIL is called. PyGILState_GetThisThreadState reads a thread-local slot and
 * returns NULL in threads Python did not create; PyCode_Addr2Line only reads the line table.
 * Each distinct (code object, instruction) is formatted once and cached. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_frame.h>

#include "intern.h"
#include "pyframe.h"
#include "warn.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TEXT_MAX 512

static int nframes;
static PyThreadState *(*this_thread_state)(void);
static int (*addr2line)(PyCodeObject *, int);

/* formatted frames: key {code object, instruction, its file name, its function name} -- the
 * name objects too, since a freed code object's address can be reused by a new one */
static bs_intern texts = BS_INTERN_INIT;

void bs_py_setup(int enabled, int n)
{
    nframes = n < 1 ? 1 : n > BS_MAX_FRAMES ? BS_MAX_FRAMES : n;
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

/* UTF-8 of a str object, without the API: compact strings hold their characters inline */
static void utf8_of(PyObject *o, char *out, size_t cap)
{
    size_t w = 0;
    out[0] = '\0';
    if (!o || !PyUnicode_Check(o) || !PyUnicode_IS_READY(o))
        return;
    const Py_ssize_t len = PyUnicode_GET_LENGTH(o);
    const int kind = PyUnicode_KIND(o);
    const void *data = PyUnicode_DATA(o);
    for (Py_ssize_t i = 0; i < len && w + 5 < cap; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            out[w++] = c < 0x20 ? '?' : (char)c;
        } else if (c < 0x800) {
            out[w++] = (char)(0xc0 | (c >> 6));
            out[w++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            if (c >= 0xd800 && c < 0xe000) c = '?'; /* lone surrogates: not UTF-8 */
            out[w++] = c == '?' ? '?' : (char)(0xe0 | (c >> 12));
            if (c != '?') {
                out[w++] = (char)(0x80 | ((c >> 6) & 0x3f));
                out[w++] = (char)(0x80 | (c & 0x3f));
            }
        } else {
            out[w++] = (char)(0xf0 | (c >> 18));
            out[w++] = (char)(0x80 | ((c >> 12) & 0x3f));
            out[w++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[w++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[w] = '\0';
}

/* "file:line in name" for this frame, interned; keyed by the instruction, so the line table
 * is decoded once per call site, not once per call */
static const char *describe(PyCodeObject *code, int addr)
{
    const uintptr_t key[BS_INTERN_KEY] = {(uintptr_t)code, (uintptr_t)(unsigned)addr,
                                          (uintptr_t)code->co_filename, (uintptr_t)code->co_name};
    const char *have = bs_intern_find(&texts, key);
    if (have)
        return have;
    char file[TEXT_MAX / 2], name[128], text[TEXT_MAX];
    utf8_of(code->co_filename, file, sizeof file);
    utf8_of(code->co_name, name, sizeof name);
    snprintf(text, sizeof text, "%s:%d in %s", file, addr2line(code, addr), name);
    return bs_intern_add(&texts, key, text);
}

void bs_py_capture(const char **caller, bs_frames *frames)
{
    *caller = NULL;
    frames->n = 0;
    if (!this_thread_state)
        return;
    PyThreadState *ts = this_thread_state();
    if (!ts || !ts->cframe)
        return; /* a thread Python did not create */
    const char *found[BS_MAX_FRAMES];
    int n = 0;
    for (_PyInterpreterFrame *f = ts->cframe->current_frame; f && n < nframes; f = f->previous) {
        if (_PyFrame_IsIncomplete(f) || !f->f_code)
            continue;
        PyCodeObject *code = f->f_code;
        int addr = (int)(_PyInterpreterFrame_LASTI(f) * (int)sizeof(_Py_CODEUNIT));
        found[n++] = describe(code, addr);
    }
    if (n == 0)
        return;
    *caller = found[0];
    if (nframes > 1) {
        frames->n = n;
        memcpy(frames->f, found, sizeof found[0] * (size_t)n);
    }
}

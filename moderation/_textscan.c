/* Byte-level passes of the moderation stages for ASCII text, written in C.
 *
 * Why: a 1 KB message holds about 200 words. In Python each pass over its words or characters
 * (leetspeak folding per token, cutting letter runs, looking its words up) costs a Python-level
 * step per token, and a regex that must open with a lookbehind is tried at every position; here
 * each pass is one loop over the bytes. Every function does exactly what its Python or regex twin
 * does (normalize's `_fold_words` ASCII path and `_cut_runs`, the words a vocabulary holds with
 * their gate bits and among the pieces of joined letters, the word-start scans of pii and of
 * lexicon's phrase matchers, pii's address gates, the strings it looks for, its e-mail, Discord
 * tag and Reddit hints, spam's link hints, mentions and letter counts, harassment's masked
 * swearing) and returns None for input it does not handle, so the caller falls back to Python.
 * tests/moderation/test_textscan.py holds them equal on generated text. Built by setup.py next to
 * the mypyc modules, and used only when those are (compiled.py).
 *
 * On noise (1 KB of random characters) a branch that depends on each byte is mispredicted about
 * half the time. So the passes take a byte's class for 64 bytes at once, as the bits of a 64-bit
 * word (SSE2 comparisons 16 bytes a step where the machine has them, a branch-free byte loop
 * elsewhere), find what they look for with shifts and ands, and then visit only the set bits:
 * word starts, mixed leetspeak runs, the places a run of spaced letters or a listed word could
 * begin. Several keep a few bytes of slack past the text in their buffers, so that a word can be
 * copied or hashed eight bytes at a time; each says so where it allocates.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Character classes of the folded text, as bits of one table lookup per byte. */
enum {
    C_LOWER = 1,       /* a-z */
    C_DIGIT = 2,       /* 0-9 */
    C_LEET = 4,        /* normalize._LEET_TOKEN's class, ASCII part: [a-z0-9@$!|] */
    C_AFTER = 8,       /* may follow a letter in a leetspeak token (_LEET_CHARS): [0-9@$!|] */
    C_BEFORE = 16,     /* may precede a letter in one: [0-9$|] */
    C_SENTENCE = 32,   /* ends a sentence when whitespace follows (_SENTENCE_END): [.!?;] */
    C_WORD = 64,       /* kept in a word (_NOT_WORD_PLAIN's complement): [a-z0-9@] */
};
static unsigned char classes[256];
#define IS(c, class) (classes[(unsigned char)(c)] & (class))
#define LOWER(c) IS(c, C_LOWER)
#define DIGIT(c) IS(c, C_DIGIT)
#define MARK '\x01'
#define BITS_STACK 64 /* words of bits on the stack: texts of up to 4096 bytes */

/* Room for `arrays` arrays of `words` words of bits, one after the other: `stack` (arrays *
 * BITS_STACK words) if they fit, else allocated (NULL with MemoryError set if that fails). Scans that
 * look only at word starts or word ends walk such bits (one step per word) instead of testing
 * every byte, where in noise a branch on "is this a space?" is mispredicted at every third byte. */
static uint64_t *bits_for(Py_ssize_t words, int arrays, uint64_t *stack) {
    if (words <= BITS_STACK) return stack;
    uint64_t *bits = PyMem_Malloc((size_t)arrays * (size_t)words * sizeof(uint64_t));
    if (bits == NULL) PyErr_NoMemory();
    return bits;
}

/* The translate step of the ASCII path: lower case, punctuation to MARK, tab and CR to spaces, the
 * apostrophe deleted ("don't" -> "dont"), and other control characters left to the Python path. */
static unsigned char fold_table[256];
#define DELETE 0xfe
#define REJECT 0xff
static unsigned char leet_table[256];

/* normalize._NUMBER_WITH_UNIT, for a token that holds no "." or ",": digits, then one of these or nothing. */
static const char *const units[] = {
    "st", "nd", "rd", "th", "am", "pm", "h", "hr", "hrs", "mg", "mcg", "ml", "g", "kg", "k", "x", "s", "min",
    "mins", "yo", "y", "yr", "yrs", "m", "km", "mi", "lb", "lbs", "d", "wk", "wks", "mo", "e", "er", "eme",
    "o", "a", NULL,
};
static uint32_t unit_codes[sizeof units / sizeof units[0]]; /* a unit's bytes as one number, first highest */

static void build_tables(void) {
    for (int c = 'a'; c <= 'z'; c++) classes[c] |= C_LOWER | C_LEET | C_WORD;
    for (int c = '0'; c <= '9'; c++) classes[c] |= C_DIGIT | C_LEET | C_AFTER | C_BEFORE | C_WORD;
    classes['@'] |= C_LEET | C_AFTER | C_WORD;
    classes['$'] |= C_LEET | C_AFTER | C_BEFORE;
    classes['!'] |= C_LEET | C_AFTER | C_SENTENCE;
    classes['|'] |= C_LEET | C_AFTER | C_BEFORE;
    classes['.'] |= C_SENTENCE;
    classes['?'] |= C_SENTENCE;
    classes[';'] |= C_SENTENCE;
    const char *punct = "\"#%&'()+,-/:<=>[\\]^_`{}~";
    for (int c = 0; c < 256; c++) {
        fold_table[c] = (unsigned char)c;
        leet_table[c] = (unsigned char)c;
    }
    for (int c = 'A'; c <= 'Z'; c++) fold_table[c] = (unsigned char)(c - 'A' + 'a');
    for (const char *p = punct; *p; p++) fold_table[(unsigned char)*p] = MARK;
    fold_table['\t'] = ' ';
    fold_table['\r'] = ' ';
    fold_table['\''] = DELETE;
    for (int c = 0; c < 0x20; c++)
        if (c != '\t' && c != '\n' && c != '\r') fold_table[c] = REJECT;
    fold_table[0x7f] = REJECT;
    /* normalize._LEET */
    const char *from = "01345789@$!|6", *to = "oieastbgasiib";
    for (int i = 0; from[i]; i++) leet_table[(unsigned char)from[i]] = (unsigned char)to[i];
    for (int u = 0; units[u]; u++)
        for (const char *c = units[u]; *c; c++) unit_codes[u] = unit_codes[u] << 8 | (unsigned char)*c;
}

static int number_with_unit(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n && DIGIT(s[i])) i++;
    if (i == 0) return 0;
    if (i == n) return 1;
    if (n - i > 4) return 0; /* no unit is longer */
    /* The unit's bytes as one number (see build_tables), compared with each unit's. */
    uint32_t code = 0;
    for (Py_ssize_t k = i; k < n; k++) code = code << 8 | s[k];
    for (int u = 0; units[u]; u++)
        if (unit_codes[u] == code) return 1;
    return 0;
}

/* _fold_leet on one maximal run of the leetspeak class that mixes letters with digits or symbols,
 * in place. Returns whether it changed. */
static int fold_mixed_leet_run(unsigned char *s, Py_ssize_t n) {
    if (number_with_unit(s, n)) return 0;
    if (s[0] == '@' && n > 1 && LOWER(s[1])) return 0;
    Py_ssize_t core = n;
    while (core > 0 && (s[core - 1] == '!' || s[core - 1] == '|')) core--;
    int changed = 0;
    for (Py_ssize_t i = 0; i < core; i++) {
        unsigned char folded = leet_table[s[i]];
        changed |= folded != s[i];
        s[i] = folded;
    }
    return changed;
}

/* Where the bytes of ASCII text lie between lo and hi (ASCII too), as bits: bit i % 64 of
 * bits[i / 64] for s[i], over `words` words, the bits past n clear. 64 bytes a step with SSE2
 * where there is one (ASCII bytes order the same signed), a branch-free loop elsewhere. */
static void range_bits(const unsigned char *s, Py_ssize_t n, unsigned char lo, unsigned char hi, Py_ssize_t words,
                       uint64_t *bits) {
    for (Py_ssize_t w = 0; w < words; w++) {
        Py_ssize_t base = w * 64, len = n - base < 0 ? 0 : (n - base < 64 ? n - base : 64);
        uint64_t m = 0;
        Py_ssize_t j = 0;
#if defined(__SSE2__)
        /* lo <= v <= hi as v > lo - 1 and not v > hi: no bound wraps for any ASCII lo and hi. */
        const __m128i below = _mm_set1_epi8((char)(lo - 1)), top = _mm_set1_epi8((char)hi);
        for (; j + 16 <= len; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + base + j));
            __m128i inside = _mm_andnot_si128(_mm_cmpgt_epi8(v, top), _mm_cmpgt_epi8(v, below));
            m |= (uint64_t)(uint16_t)_mm_movemask_epi8(inside) << j;
        }
#endif
        for (; j < len; j++) m |= (uint64_t)((unsigned char)(s[base + j] - lo) <= (unsigned char)(hi - lo)) << j;
        bits[w] = m;
    }
}

/* The leetspeak classes of buf[0:m] as bits, 64 bytes a word, over `words` words (the bits past m
 * clear): `run`, the bytes of normalize._LEET_TOKEN's class, and `mixed`, the bytes of a run whose
 * byte before, in the same run, makes a mixed pair with them (_LEET_CHARS: a letter then a digit or
 * symbol that may stand for one, or a digit, "$" or "|" then a letter). */
static void leet_bits(const unsigned char *s, Py_ssize_t m, Py_ssize_t words, uint64_t *run, uint64_t *mixed) {
    uint64_t top_run = 0, top_lower = 0, top_before = 0; /* bit 63 of the word before */
    for (Py_ssize_t w = 0; w < words; w++) {
        uint64_t r = 0, l = 0, a = 0, b = 0;
        Py_ssize_t base = w * 64, len = m - base < 0 ? 0 : (m - base < 64 ? m - base : 64);
        Py_ssize_t j = 0;
#if defined(__SSE2__)
        /* The folded text is ASCII, so signed byte comparisons order its characters. */
        for (; j + 16 <= len; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + base + j));
            __m128i is_lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
            __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
            __m128i is_before = _mm_or_si128(is_digit, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('$')),
                                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('|'))));
            __m128i is_after = _mm_or_si128(is_before, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
                                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))));
            l |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_lower) << j;
            a |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_after) << j;
            b |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_before) << j;
            r |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(is_lower, is_after)) << j;
        }
#endif
        for (; j < len; j++) {
            unsigned cls = classes[s[base + j]];
            l |= (uint64_t)((cls & C_LOWER) != 0) << j;
            a |= (uint64_t)((cls & C_AFTER) != 0) << j;
            b |= (uint64_t)((cls & C_BEFORE) != 0) << j;
            r |= (uint64_t)((cls & C_LEET) != 0) << j;
        }
        run[w] = r;
        mixed[w] = r & (r << 1 | top_run) & (((l << 1 | top_lower) & a) | ((b << 1 | top_before) & l));
        top_run = r >> 63;
        top_lower = l >> 63;
        top_before = b >> 63;
    }
}

/* The edge of the run of `run` bits (leet_bits) that holds position p: its first position with
 * step -1, the position just past its end with step 1. The bits end with a clear word. */
static Py_ssize_t run_edge(const uint64_t *run, Py_ssize_t p, int step) {
    Py_ssize_t w = p / 64;
    int bit = (int)(p % 64);
    if (step > 0) {
        uint64_t outside = ~run[w] & ((uint64_t)-2 << bit); /* clear bits after p */
        while (outside == 0) outside = ~run[++w];
        return w * 64 + __builtin_ctzll(outside);
    }
    uint64_t outside = ~run[w] & (((uint64_t)1 << bit) - 1); /* clear bits before p */
    while (outside == 0) {
        if (w == 0) return 0;
        outside = ~run[--w];
    }
    return w * 64 + 64 - __builtin_clzll(outside);
}

/* For the output pass of fold_ascii, over buf[0:m] (leetspeak folded), as bits over `words`
 * words (the last past m, so the bits there are clear but for m itself): `kept`, the bytes kept in
 * words ([a-z0-9@], and a "*" between two letters, as _NOT_WORD keeps it in "f*ck"), and `breaks`,
 * where a sentence ends: a newline, or the last of a run of ".!?;" followed by whitespace or the
 * end. `kept` has room for 6 * words: the classes are gathered there first. */
static void output_bits(const unsigned char *buf, Py_ssize_t m, Py_ssize_t words, uint64_t *kept, uint64_t *breaks) {
    uint64_t *lower = kept + 2 * words, *star = kept + 3 * words, *stop = kept + 4 * words, *white = kept + 5 * words;
    for (Py_ssize_t w = 0; w < words; w++) {
        Py_ssize_t base = w * 64, len = m - base < 0 ? 0 : (m - base < 64 ? m - base : 64);
        uint64_t word = 0, l = 0, st = 0, sp = 0, wh = 0;
        Py_ssize_t j = 0;
#if defined(__SSE2__)
        for (; j + 16 <= len; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(buf + base + j));
            __m128i is_lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
            __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
            __m128i is_word = _mm_or_si128(_mm_or_si128(is_lower, is_digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
            __m128i is_stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')), _mm_cmpeq_epi8(v, _mm_set1_epi8(';'))));
            __m128i is_white = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
            word |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_word) << j;
            l |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_lower) << j;
            st |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('*'))) << j;
            sp |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_stop) << j;
            wh |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_white) << j;
        }
#endif
        for (; j < len; j++) {
            unsigned char c = buf[base + j];
            unsigned cls = classes[c];
            word |= (uint64_t)((cls & C_WORD) != 0) << j;
            l |= (uint64_t)((cls & C_LOWER) != 0) << j;
            st |= (uint64_t)(c == '*') << j;
            sp |= (uint64_t)((cls & C_SENTENCE) != 0) << j;
            wh |= (uint64_t)((c == ' ') | (c == '\n')) << j;
        }
        uint64_t newline = 0;
        for (uint64_t at = wh; at; at &= at - 1) /* few: the newlines among the whitespace */
            newline |= (uint64_t)(buf[base + __builtin_ctzll(at)] == '\n') << __builtin_ctzll(at);
        if (m >= base && m - base < 64) wh |= (uint64_t)1 << (m - base); /* the end counts as whitespace */
        kept[w] = word;
        breaks[w] = newline;
        lower[w] = l;
        star[w] = st;
        stop[w] = sp;
        white[w] = wh;
    }
    for (Py_ssize_t w = 0; w < words; w++) {
        uint64_t before = w > 0 ? lower[w - 1] >> 63 : 0, after = w + 1 < words ? lower[w + 1] << 63 : 0;
        kept[w] |= star[w] & (lower[w] << 1 | before) & (lower[w] >> 1 | after);
        uint64_t white_after = white[w] >> 1 | (w + 1 < words ? white[w + 1] << 63 : 0);
        breaks[w] |= stop[w] & white_after;
    }
}

/* Is any bit of `bits` set at a position from `from` up to, not including, `to`? */
static int any_bit(const uint64_t *bits, Py_ssize_t from, Py_ssize_t to) {
    for (Py_ssize_t w = from / 64; w * 64 < to; w++) {
        uint64_t word = bits[w];
        if (w == from / 64) word &= ~(uint64_t)0 << (from % 64);
        if (w == (to - 1) / 64) word &= ~(uint64_t)0 >> (63 - (to - 1) % 64);
        if (word) return 1;
    }
    return 0;
}

/* fold_ascii(text) -> (spaced, obfuscated) | None
 *
 * _fold_words for ASCII text of printable characters, tab, CR and newline; None for anything else.
 */
static PyObject *fold_ascii(PyObject *Py_UNUSED(self), PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const unsigned char *restrict in = (const unsigned char *)PyUnicode_DATA(arg);
    /* Eight bytes past the text for the output pass, which copies words eight bytes at a time. */
    unsigned char stack[2048 + 8];
    unsigned char *restrict buf = n + 8 <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)n + 8);
    if (buf == NULL) return PyErr_NoMemory();
    /* The translate step: case, punctuation marks, apostrophes deleted. */
    Py_ssize_t m = 0;
    int plain = 1; /* nothing but letters one space apart so far */
    unsigned char previous = ' '; /* so that a leading space is not plain */
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char folded = fold_table[in[i]];
        if (folded >= DELETE) {
            if (folded == REJECT) {
                if (buf != stack) PyMem_Free(buf);
                Py_RETURN_NONE;
            }
            continue;
        }
        /* Without branches: in noise these tests would be mispredicted half the time. */
        plain &= (LOWER(folded) != 0) | ((folded == ' ') & (previous != ' '));
        previous = folded;
        buf[m++] = folded;
    }
    if (plain && (m == 0 || buf[m - 1] != ' ')) {
        /* Most chat without punctuation: the translated text is already the result. */
        PyObject *result = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, m);
        if (buf != stack) PyMem_Free(buf);
        return result == NULL ? NULL : Py_BuildValue("(NO)", result, Py_False);
    }
    /* Leetspeak inside mixed tokens: a run of the class is mixed if a letter is next to a digit or
     * symbol that may stand for one. Noise alternates classes at random, so the classes are taken
     * as bits, 64 bytes a word, and the mixed runs found with shifts; only those are visited. */
    Py_ssize_t words = m / 64 + 2; /* and a word past the end, where no run goes on */
    uint64_t class_stack[2 * BITS_STACK];
    uint64_t *run = bits_for(words, 2, class_stack);
    if (run == NULL) {
        if (buf != stack) PyMem_Free(buf);
        return NULL;
    }
    uint64_t *mixed = run + words;
    leet_bits(buf, m, words, run, mixed);
    int obfuscated = 0;
    Py_ssize_t folded_to = 0; /* the end of the last run folded */
    for (Py_ssize_t w = 0; w < words; w++) {
        for (uint64_t bits = mixed[w]; bits; bits &= bits - 1) {
            Py_ssize_t p = w * 64 + __builtin_ctzll(bits);
            if (p < folded_to) continue; /* in a run already folded */
            Py_ssize_t start = run_edge(run, p, -1), end = run_edge(run, p, 1);
            obfuscated |= fold_mixed_leet_run(buf + start, end - start);
            folded_to = end;
        }
    }
    if (run != class_stack) PyMem_Free(run);
    /* Words, one space apart, and " . " between sentences. A word is a run of kept bytes; a
     * sentence ended between two words if a newline, or a run of sentence ends followed by
     * whitespace or the text's end (_SENTENCE_END), lies between them. Both are taken as bits of
     * 64 bytes at a time (over the same words of bits as above), and the words are then copied
     * whole, eight bytes a step: on noise there is a word every four bytes. */
    uint64_t mark_stack[6 * BITS_STACK];
    uint64_t *kept = bits_for(words, 6, mark_stack);
    unsigned char out_stack[3 * sizeof stack + 16];
    unsigned char *restrict out = kept == NULL ? NULL
        : 3 * m + 16 <= (Py_ssize_t)sizeof out_stack ? out_stack : PyMem_Malloc(3 * (size_t)m + 16);
    if (out == NULL) {
        if (kept != NULL && kept != mark_stack) PyMem_Free(kept);
        if (buf != stack) PyMem_Free(buf);
        return PyErr_NoMemory();
    }
    uint64_t *breaks = kept + words;
    memset(buf + m, 0, 8);
    output_bits(buf, m, words, kept, breaks);
    Py_ssize_t o = 0, after_word = -1; /* where the last word copied ended; -1 before the first */
    for (Py_ssize_t w = 0; w + 1 < words; w++) {
        uint64_t starts = kept[w] & ~(kept[w] << 1 | (w > 0 ? kept[w - 1] >> 63 : 0));
        for (; starts; starts &= starts - 1) {
            Py_ssize_t start = w * 64 + __builtin_ctzll(starts), end = run_edge(kept, start, 1);
            if (after_word >= 0) {
                int stop = any_bit(breaks, after_word, start);
                memcpy(out + o, stop ? " . " : "    ", 4); /* four bytes either way; o moves on by 3 or 1 */
                o += stop ? 3 : 1;
            }
            for (Py_ssize_t k = start; k < end; k += 8) memcpy(out + o + (k - start), buf + k, 8);
            o += end - start;
            after_word = end;
        }
    }
    if (kept != mark_stack) PyMem_Free(kept);
    if (buf != stack) PyMem_Free(buf);
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, out, o);
    if (out != out_stack) PyMem_Free(out);
    if (result == NULL) return NULL;
    return Py_BuildValue("(NO)", result, obfuscated ? Py_True : Py_False);
}

/* Where letter runs of s[0:n] go on, as bits over `words` words: `second`, a letter the same as
 * the one before it (squeezed leaves it out), `third`, one the same as the two before it (both
 * forms leave it out). */
static void run_bits(const unsigned char *s, Py_ssize_t n, Py_ssize_t words, uint64_t *second, uint64_t *third) {
    for (Py_ssize_t w = 0; w < words; w++) {
        Py_ssize_t base = w * 64, len = n - base < 0 ? 0 : (n - base < 64 ? n - base : 64);
        uint64_t two = 0, three = 0;
        Py_ssize_t j = 0;
        for (; j < len && base + j < 2; j++) {
            Py_ssize_t i = base + j;
            unsigned again = LOWER(s[i]) && i > 0 && s[i - 1] == s[i];
            two |= (uint64_t)again << j;
            three |= (uint64_t)(again && i > 1 && s[i - 2] == s[i]) << j;
        }
#if defined(__SSE2__)
        for (; j + 16 <= len; j += 16) {
            const unsigned char *at = s + base + j;
            __m128i v = _mm_loadu_si128((const __m128i *)at);
            __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
            __m128i again = _mm_and_si128(lower, _mm_cmpeq_epi8(v, _mm_loadu_si128((const __m128i *)(at - 1))));
            __m128i thrice = _mm_and_si128(again, _mm_cmpeq_epi8(v, _mm_loadu_si128((const __m128i *)(at - 2))));
            two |= (uint64_t)(uint16_t)_mm_movemask_epi8(again) << j;
            three |= (uint64_t)(uint16_t)_mm_movemask_epi8(thrice) << j;
        }
#endif
        for (; j < len; j++) {
            Py_ssize_t i = base + j;
            unsigned again = LOWER(s[i]) && s[i - 1] == s[i];
            two |= (uint64_t)again << j;
            three |= (uint64_t)(again && s[i - 2] == s[i]) << j;
        }
        second[w] = two;
        third[w] = three;
    }
}

/* Copies s[0:n] to `out` without the bytes whose bits are set in `drop`. */
static void copy_without(const unsigned char *s, Py_ssize_t n, const uint64_t *drop, Py_ssize_t words, unsigned char *out) {
    Py_ssize_t o = 0, from = 0;
    for (Py_ssize_t w = 0; w < words; w++)
        for (uint64_t bits = drop[w]; bits; bits &= bits - 1) {
            Py_ssize_t at = w * 64 + __builtin_ctzll(bits);
            memcpy(out + o, s + from, (size_t)(at - from));
            o += at - from;
            from = at + 1;
        }
    memcpy(out + o, s + from, (size_t)(n - from));
}

/* cut_runs(text) -> (folded, squeezed) | None: _cut_runs for ASCII text. The bytes each form
 * leaves out are found 16 at a time (run_bits), and the rest copied around them. */
static PyObject *cut_runs(PyObject *Py_UNUSED(self), PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const unsigned char *in = (const unsigned char *)PyUnicode_DATA(arg);
    Py_ssize_t words = n / 64 + 1;
    uint64_t bits_stack[2 * BITS_STACK];
    uint64_t *second = bits_for(words, 2, bits_stack);
    if (second == NULL) return NULL;
    uint64_t *third = second + words;
    run_bits(in, n, words, second, third);
    Py_ssize_t seconds = 0, thirds = 0;
    for (Py_ssize_t w = 0; w < words; w++) {
        seconds += __builtin_popcountll(second[w]);
        thirds += __builtin_popcountll(third[w]);
    }
    PyObject *result;
    if (seconds == 0) {
        result = Py_BuildValue("(OO)", arg, arg); /* no doubled letter: both are the text */
    } else {
        PyObject *folded = thirds ? PyUnicode_New(n - thirds, 127) : Py_NewRef(arg);
        PyObject *squeezed = PyUnicode_New(n - seconds, 127);
        if (folded == NULL || squeezed == NULL) {
            Py_XDECREF(folded);
            Py_XDECREF(squeezed);
            result = NULL;
        } else {
            if (thirds) copy_without(in, n, third, words, (unsigned char *)PyUnicode_DATA(folded));
            copy_without(in, n, second, words, (unsigned char *)PyUnicode_DATA(squeezed));
            result = Py_BuildValue("(NN)", folded, squeezed);
        }
    }
    if (second != bits_stack) PyMem_Free(second);
    return result;
}

/* join_spaced(text) -> (text, runs) | None
 *
 * normalize._join_spaced_letters for ASCII text: every run of three or more single letters one
 * space apart ("k i l l"), not touching a letter or digit, joined ("kill"), unless it holds only
 * "i" and "a"; a leading "i" or "a" stays apart in runs of four or more letters ("i w a n t" ->
 * "i want"). `runs` lists the joined runs as they were put in the text.
 */
static PyObject *join_spaced(PyObject *Py_UNUSED(self), PyObject *arg) {
#define ALNUM(c) (LOWER(c) || DIGIT(c))
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(arg);
    /* Where a run can start: a letter after no letter or digit, then " x x" (a run's shortest
     * form, "x x x"), found for 64 bytes at once from bits of the letters, digits and spaces. On
     * noise a branch per byte on "could a run start here?" was mispredicted half the time. */
    Py_ssize_t words = n / 64 + 2; /* the last word is past the end: all its bits are clear */
    uint64_t bits_stack[3 * BITS_STACK];
    uint64_t *lower = bits_for(words, 3, bits_stack);
    if (lower == NULL) return NULL;
    uint64_t *alnum = lower + words, *space = alnum + words;
    range_bits(s, n, 'a', 'z', words, lower);
    range_bits(s, n, '0', '9', words, alnum);
    range_bits(s, n, ' ', ' ', words, space);
    PyObject *runs = PyList_New(0);
    /* Written only once a run is joined: most text has none and is returned as it came. */
    unsigned char stack[2048];
    unsigned char *out = NULL;
    Py_ssize_t o = 0, copied = 0, i = 0;
#define AHEAD(bits, k) ((bits)[w] >> (k) | (bits)[w + 1] << (64 - (k)))
    for (Py_ssize_t w = 0; runs != NULL && w + 1 < words; w++) {
        uint64_t letter_or_digit = alnum[w] | lower[w];
        uint64_t after_word = letter_or_digit << 1 | (w > 0 ? (alnum[w - 1] | lower[w - 1]) >> 63 : 0);
        uint64_t candidates = lower[w] & ~after_word & AHEAD(space, 1) & AHEAD(lower, 2) & AHEAD(space, 3) & AHEAD(lower, 4);
        for (; candidates; candidates &= candidates - 1) {
            Py_ssize_t at = w * 64 + __builtin_ctzll(candidates);
            if (at < i) continue; /* inside the run before */
            i = at;
            /* _SPACED_LETTERS: (?<![a-z0-9])(?:[a-z] ){2,}[a-z](?![a-z0-9]) */
            Py_ssize_t pairs = 0, letters = 0;
            while (i + 2 * pairs + 1 < n && LOWER(s[i + 2 * pairs]) && s[i + 2 * pairs + 1] == ' ') pairs++;
            /* The greedy pairs, then one more letter with no letter or digit after it; else one pair less. */
            Py_ssize_t last = i + 2 * pairs;
            if (pairs >= 2 && last < n && LOWER(s[last]) && (last + 1 == n || !ALNUM(s[last + 1])))
                letters = pairs + 1;
            else if (pairs >= 3)
                letters = pairs;
            if (letters == 0) continue;
            Py_ssize_t size = 2 * letters - 1;
            int only_ia = 1;
            for (Py_ssize_t k = 0; k < letters; k++) only_ia &= s[i + 2 * k] == 'i' || s[i + 2 * k] == 'a';
            if (only_ia) {
                i += size; /* left as written; the search goes on after it, as the regex's does */
                continue;
            }
            if (out == NULL) {
                out = n <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)n + 1);
                if (out == NULL) {
                    PyErr_NoMemory();
                    Py_CLEAR(runs);
                    break;
                }
            }
            memcpy(out + o, s + copied, (size_t)(i - copied));
            o += i - copied;
            Py_ssize_t run_start = o, k = 0;
            if ((s[i] == 'i' || s[i] == 'a') && size >= 7) {
                out[o++] = s[i];
                out[o++] = ' ';
                k = 1;
            }
            for (; k < letters; k++) out[o++] = s[i + 2 * k];
            PyObject *run = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, out + run_start, o - run_start);
            if (run == NULL || PyList_Append(runs, run) < 0) {
                Py_XDECREF(run);
                Py_CLEAR(runs);
                break;
            }
            Py_DECREF(run);
            i += size;
            copied = i;
        }
    }
#undef AHEAD
    if (lower != bits_stack) PyMem_Free(lower);
    PyObject *result = NULL;
    if (runs != NULL && out == NULL) {
        result = Py_NewRef(arg);
    } else if (runs != NULL) {
        memcpy(out + o, s + copied, (size_t)(n - copied));
        o += n - copied;
        result = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, out, o);
    }
    if (out != NULL && out != stack) PyMem_Free(out);
    if (result == NULL) {
        Py_XDECREF(runs);
        return NULL;
    }
    return Py_BuildValue("(NN)", result, runs);
#undef ALNUM
}

/* Calls are numbered so that known_words can mark the vocabulary entries a call has found without
 * clearing the marks between calls (that cost about as much as finding them). */
static uint64_t generation;

/* The bits of block b of `spaces` (range_bits of ' ') where a word starts: a byte other than a space
 * at the text's start or after a space. */
static inline uint64_t word_start_bits(const uint64_t *spaces, Py_ssize_t b, Py_ssize_t n) {
    uint64_t after_space = spaces[b] << 1 | (b == 0 ? 1 : spaces[b - 1] >> 63);
    Py_ssize_t left = n - b * 64;
    uint64_t inside = left >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << left) - 1;
    return after_space & ~spaces[b] & inside;
}

static inline uint64_t hash_mix(uint64_t h, uint64_t chunk) {
    h = (h ^ chunk) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* The hash of a word of n bytes over its whole eight-byte chunks (most words have none); *rest is
 * then how many bytes are left for the last, partial chunk. */
static inline uint64_t hash_chunks(const unsigned char *s, Py_ssize_t n, Py_ssize_t *rest) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t chunk;
        memcpy(&chunk, s, 8); /* a constant size: a plain load, not a call */
        h = hash_mix(h, chunk);
    }
    *rest = n;
    return h;
}

static Py_hash_t bytes_hash(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t rest;
    uint64_t h = hash_chunks(s, n, &rest);
    if (rest > 0) {
        const unsigned char *tail = s + n - rest;
        uint64_t chunk = 0;
        for (Py_ssize_t i = 0; i < rest; i++) chunk |= (uint64_t)tail[i] << (8 * i);
        h = hash_mix(h, chunk);
    }
    return (Py_hash_t)h;
}

/* bytes_hash, for bytes followed by at least eight readable ones (a padded copy of a text): the
 * last few bytes are read in one load and masked, rather than one at a time in a loop whose length
 * changes from word to word. */
static inline Py_hash_t padded_hash(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t rest;
    uint64_t h = hash_chunks(s, n, &rest);
    if (rest > 0) {
        uint64_t chunk;
        memcpy(&chunk, s + n - rest, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        chunk = __builtin_bswap64(chunk); /* bytes_hash puts the first byte lowest */
#endif
        h = hash_mix(h, chunk & (((uint64_t)1 << (8 * rest)) - 1));
    }
    return (Py_hash_t)h;
}

/* For a function taking one str: its bytes and length if it is ASCII (1), 0 for other text, -1 with
 * a TypeError for anything but a str. */
static int ascii_bytes(PyObject *arg, const char *function, const unsigned char **s, Py_ssize_t *n) {
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s() takes a str", function);
        return -1;
    }
    if (!PyUnicode_IS_ASCII(arg)) return 0;
    *s = (const unsigned char *)PyUnicode_DATA(arg);
    *n = PyUnicode_GET_LENGTH(arg);
    return 1;
}

/* clean_ascii(text) -> bool | None
 *
 * For ASCII text: has it none of the control characters the display text drops (all below 0x20
 * but tab and newline, and DEL: normalize._DISPLAY_NEEDS_WORK's ASCII part)? None for other text.
 */
static PyObject *clean_ascii(PyObject *Py_UNUSED(self), PyObject *arg) {
    const unsigned char *s;
    Py_ssize_t n;
    int ascii = ascii_bytes(arg, "clean_ascii", &s, &n);
    if (ascii <= 0) return ascii < 0 ? NULL : Py_NewRef(Py_None);
    unsigned char bad = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        /* No branch per character: most texts have none, and the loop then vectorizes. */
        bad |= (unsigned char)(((c < 0x20) & (c != '\t') & (c != '\n')) | (c == 0x7f));
    }
    if (bad) Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

/* digits_close(text, count, gap[, between]) -> bool | None
 *
 * For ASCII text: does it hold `count` digits, each after the one before with at most `gap`
 * non-digits between (pii._SEVEN_DIGITS, `\d(?:\D{0,gap}+\d){count-1}`, searched)? With
 * `between`, only its characters may stand between two digits (`\d(?:[between]{0,gap}\d){count-1}`).
 * A regex tries that from every digit of a long message; one pass counts it.
 */
static PyObject *digits_close(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *between = NULL;
    Py_ssize_t count, gap;
    if (!PyArg_ParseTuple(args, "Unn|U:digits_close", &text, &count, &gap, &between)) return NULL;
    if (!PyUnicode_IS_ASCII(text) || count < 1 || gap < 0) Py_RETURN_NONE;
    unsigned char allowed[256];
    memset(allowed, between == NULL, sizeof allowed);
    if (between != NULL) {
        /* Non-ASCII characters of `between` never occur in ASCII text. */
        Py_ssize_t size = PyUnicode_GET_LENGTH(between);
        for (Py_ssize_t i = 0; i < size; i++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(between, i);
            if (c < 128) allowed[c] = 1;
        }
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    if (count == 1) {
        unsigned char any = 0;
        for (Py_ssize_t i = 0; i < n; i++) any |= (unsigned char)(s[i] - '0') < 10; /* vectorizes */
        return PyBool_FromLong(any);
    }
    /* Bit-parallel, 64 bytes a word: `chain` holds the digits that end a chain of k digits, and
     * each round moves it on through at most `gap` allowed non-digits to the next digit. Noise
     * mixes digits and other characters at random; no step depends on what a byte is. */
    Py_ssize_t words = n / 64 + 1;
    uint64_t bits_stack[4 * BITS_STACK];
    uint64_t *digit = bits_for(words, 4, bits_stack);
    if (digit == NULL) return NULL;
    uint64_t *passable = digit + words, *chain = passable + words, *reach = chain + words;
    range_bits(s, n, '0', '9', words, digit);
    if (between == NULL) {
        for (Py_ssize_t w = 0; w < words; w++) { /* every byte of the text */
            Py_ssize_t len = n - w * 64 < 0 ? 0 : (n - w * 64 < 64 ? n - w * 64 : 64);
            passable[w] = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
        }
    } else {
        unsigned char listed[16];
        int count_listed = 0;
        for (int c = 0; c < 128; c++)
            if (allowed[c] && count_listed < 16) listed[count_listed++] = (unsigned char)c;
        if (count_listed < 16) {
            memset(passable, 0, (size_t)words * sizeof(uint64_t));
            for (int k = 0; k < count_listed; k++) {
                range_bits(s, n, listed[k], listed[k], words, reach);
                for (Py_ssize_t w = 0; w < words; w++) passable[w] |= reach[w];
            }
        } else {
            for (Py_ssize_t w = 0; w < words; w++) {
                uint64_t m = 0;
                Py_ssize_t base = w * 64, len = n - base < 0 ? 0 : (n - base < 64 ? n - base : 64);
                for (Py_ssize_t j = 0; j < len; j++) m |= (uint64_t)allowed[s[base + j]] << j;
                passable[w] = m;
            }
        }
    }
    for (Py_ssize_t w = 0; w < words; w++) {
        passable[w] &= ~digit[w];
        chain[w] = digit[w];
    }
    int found = 1;
    for (Py_ssize_t k = 1; k < count && found; k++) {
        memcpy(reach, chain, (size_t)words * sizeof(uint64_t));
        for (Py_ssize_t step = 0; step < gap; step++) {
            /* `chain` becomes the passable bytes one further on; `reach` gathers them. */
            uint64_t carry = 0, any = 0;
            for (Py_ssize_t w = 0; w < words; w++) {
                uint64_t moved = (chain[w] << 1 | carry) & passable[w];
                carry = chain[w] >> 63;
                chain[w] = moved;
                reach[w] |= moved;
                any |= moved;
            }
            if (!any) break;
        }
        uint64_t carry = 0, any = 0;
        for (Py_ssize_t w = 0; w < words; w++) {
            chain[w] = (reach[w] << 1 | carry) & digit[w];
            carry = reach[w] >> 63;
            any |= chain[w];
        }
        found = any != 0;
    }
    if (count == 1) {
        found = 0;
        for (Py_ssize_t w = 0; w < words; w++) found |= digit[w] != 0;
    }
    if (digit != bits_stack) PyMem_Free(digit);
    return PyBool_FromLong(found);
}

/* letter_counts(text) -> (capitals, letters) | None
 *
 * For ASCII text: how many of its characters are A-Z, and how many are letters (spam's caps check;
 * two bytes.translate calls cost about ten times as much over a long message). None for other text.
 */
static PyObject *letter_counts(PyObject *Py_UNUSED(self), PyObject *arg) {
    const unsigned char *s;
    Py_ssize_t n;
    int ascii = ascii_bytes(arg, "letter_counts", &s, &n);
    if (ascii <= 0) return ascii < 0 ? NULL : Py_NewRef(Py_None);
    Py_ssize_t upper = 0, letters = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        upper += (unsigned char)(c - 'A') < 26;
        letters += (unsigned char)((c | 0x20) - 'a') < 26;
    }
    return Py_BuildValue("(nn)", upper, letters);
}

/* lower_ascii(text) -> str | None
 *
 * For ASCII text: text.lower(), always a new str. Compiled code's own str.lower() takes every
 * character through Unicode's case tables; this loop vectorizes. None for other text.
 */
static PyObject *lower_ascii(PyObject *Py_UNUSED(self), PyObject *arg) {
    const unsigned char *s;
    Py_ssize_t n;
    int ascii = ascii_bytes(arg, "lower_ascii", &s, &n);
    if (ascii <= 0) return ascii < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *result = PyUnicode_New(n, 127);
    if (result == NULL) return NULL;
    unsigned char *out = (unsigned char *)PyUnicode_DATA(result);
    for (Py_ssize_t i = 0; i < n; i++) out[i] = s[i] | (unsigned char)(((unsigned char)(s[i] - 'A') < 26) << 5);
    return result;
}

/* The index of the first `c` in s[from:n], or -1: memchr, which jumps over the bytes between. */
static inline Py_ssize_t next_byte(const unsigned char *s, Py_ssize_t n, Py_ssize_t from, unsigned char c) {
    const unsigned char *at = from < n ? memchr(s + from, c, (size_t)(n - from)) : NULL;
    return at == NULL ? -1 : at - s;
}

/* masked_match(text, words) -> bool | None
 *
 * For ASCII text of words one space apart: does a word holding a "*" match one of `words` (a tuple
 * of str) letter for letter, each "*" standing for any one character (harassment's self-censored
 * swearing: "f*ck", "sh*t")? One look at each "*" and its word, instead of a list of the starred
 * words made in Python. None for other text.
 */
static PyObject *masked_match(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *words;
    if (!PyArg_ParseTuple(args, "UO!:masked_match", &text, &PyTuple_Type, &words)) return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(words);
    for (Py_ssize_t k = 0; k < count; k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(words, k))) {
            PyErr_SetString(PyExc_TypeError, "masked_match() takes a tuple of str");
            return NULL;
        }
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    Py_ssize_t next = 0; /* where the next word to look at starts */
    for (Py_ssize_t star = next_byte(s, n, 0, '*'); star >= 0; star = next_byte(s, n, next, '*')) {
        Py_ssize_t start = star, end = star;
        while (start > 0 && s[start - 1] != ' ') start--;
        while (end < n && s[end] != ' ') end++;
        for (Py_ssize_t k = 0; k < count; k++) {
            PyObject *word = PyTuple_GET_ITEM(words, k);
            if (!PyUnicode_IS_ASCII(word) || PyUnicode_GET_LENGTH(word) != end - start) continue;
            const unsigned char *w = (const unsigned char *)PyUnicode_DATA(word);
            Py_ssize_t i = 0;
            while (i < end - start && (s[start + i] == '*' || s[start + i] == w[i])) i++;
            if (i == end - start) Py_RETURN_TRUE;
        }
        next = end + 1;
    }
    Py_RETURN_FALSE;
}

/* What `\w` matches in ASCII text. */
static int is_word_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_letter(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26; }

/* at_domain(text) -> bool | None
 *
 * For ASCII text: does pii._AT_DOMAIN, `@[\w-]+(?:\.[\w-]+)+`, match somewhere? Since "." is not in
 * [\w-], a match's first run is the whole run after its "@", so each "@" needs only one look: a run,
 * a ".", and a character of the class after it. The regex is then run only on the few texts that
 * pass, where it finds the spans; on noise, which holds an "@" every hundred bytes, it cost more
 * than the rest of the e-mail check. None for other text.
 */
static int domain_char(unsigned char c) { return is_word_char(c) || c == '-'; }

static PyObject *at_domain(PyObject *Py_UNUSED(self), PyObject *arg) {
    const unsigned char *s;
    Py_ssize_t n;
    int ascii = ascii_bytes(arg, "at_domain", &s, &n);
    if (ascii <= 0) return ascii < 0 ? NULL : Py_NewRef(Py_None);
    for (Py_ssize_t at = next_byte(s, n, 0, '@'); at >= 0; at = next_byte(s, n, at + 1, '@')) {
        Py_ssize_t j = at + 1;
        while (j < n && domain_char(s[j])) j++;
        if (j > at + 1 && j + 1 < n && s[j] == '.' && domain_char(s[j + 1])) Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* mention_count(text, enough) -> int | None
 *
 * For ASCII text: how many distinct names, case aside, spam._MENTION finds (`@(?<![\w.]@)(\w{1,32})`,
 * every match from the left), counting no further than `enough` (the caller's largest threshold, so
 * that a text of thousands of mentions costs no more than one of a few). One look at each "@"
 * instead of a list of matches and a set of their lower case. None for other text, or if `enough`
 * is over 64.
 */
static PyObject *mention_count(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text;
    Py_ssize_t enough;
    if (!PyArg_ParseTuple(args, "Un:mention_count", &text, &enough)) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    enum { MOST = 64 };
    if (enough > MOST) Py_RETURN_NONE; /* thresholds that high are left to Python */
    Py_ssize_t starts[MOST], lengths[MOST], count = 0;
    Py_ssize_t i = 0;
    while (count < enough && i < n) {
        i = next_byte(s, n, i, '@');
        if (i < 0) break;
        Py_ssize_t j = i + 1;
        if (i == 0 || !(is_word_char(s[i - 1]) || s[i - 1] == '.'))
            while (j < n && j - i - 1 < 32 && is_word_char(s[j])) j++;
        Py_ssize_t length = j - i - 1;
        if (length == 0) {
            i++;
            continue;
        }
        int seen = 0;
        for (Py_ssize_t k = 0; k < count && !seen; k++) {
            if (lengths[k] != length) continue;
            seen = 1;
            for (Py_ssize_t c = 0; c < length && seen; c++) {
                unsigned char a = s[starts[k] + c], b = s[i + 1 + c];
                seen = (a | ((unsigned char)(a - 'A') < 26) << 5) == (b | ((unsigned char)(b - 'A') < 26) << 5);
            }
        }
        if (!seen) {
            starts[count] = i + 1;
            lengths[count++] = length;
        }
        i = j;
    }
    return PyLong_FromSsize_t(count);
}

/* digits_after(text, mark, count) -> bool | None
 *
 * For ASCII text: does `count` digits come right after some `mark` character (pii._HASH_DIGITS,
 * `#\d{4}`, searched)? None for other text.
 */
static PyObject *digits_after(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text;
    int mark;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "UCn:digits_after", &text, &mark, &count)) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    if (mark > 127) Py_RETURN_FALSE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    for (Py_ssize_t at = next_byte(s, n, 0, (unsigned char)mark); at >= 0; at = next_byte(s, n, at + 1, (unsigned char)mark)) {
        Py_ssize_t j = at + 1, digits = 0;
        while (digits < count && j + digits < n && (unsigned char)(s[j + digits] - '0') < 10) digits++;
        if (digits == count) Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* dotted(text) -> bool | None
 *
 * For ASCII text: does spam._DOTTED match, a word character, a "." and two letters (`\w\.[A-Za-z]{2}`)?
 * One look at each "."; None for other text.
 */
static PyObject *dotted(PyObject *Py_UNUSED(self), PyObject *arg) {
    const unsigned char *s;
    Py_ssize_t n;
    int ascii = ascii_bytes(arg, "dotted", &s, &n);
    if (ascii <= 0) return ascii < 0 ? NULL : Py_NewRef(Py_None);
    for (Py_ssize_t i = next_byte(s, n, 0, '.'); i >= 0; i = next_byte(s, n, i + 1, '.')) {
        if (i > 0 && is_word_char(s[i - 1]) && i + 2 < n && is_letter(s[i + 1]) && is_letter(s[i + 2])) Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* Tables of words keyed by their bytes (open addressing), so a text's words are found in them
 * without first becoming str objects. Two kinds, made once and used for every message:
 * - a vocabulary (`vocabulary`, read by `known_words`): the words some stage may look a message's
 *   word set up by;
 * - words looked for where a word of a text starts (`word_starts`, read by `find_word_start` and
 *   `key_starts`): pii's street words and platform names, the phrase matchers' keys. They are the
 *   twins of lexicon-built `(?<!\w)` + trie regexes, which `re` tries at every position whose
 *   character could open one of the words, most positions of a long message; here only word
 *   starts are looked at, and only those whose first two characters open some word.
 * Only ASCII words are kept: a non-ASCII word never occurs in ASCII text, the only text read. */
typedef struct {
    Py_hash_t hash;
    Py_ssize_t len;
    const unsigned char *data; /* the word's own characters; the table holds a reference to it */
    PyObject *word;            /* NULL: the slot is free */
    int must_end;              /* find_word_start: the word must end where a word ends */
    uint64_t seen;             /* known_words: the generation of the last call that found it */
    uint64_t bits;             /* a vocabulary's: the gate bits the word sets (word_index) */
    int silent;                /* a vocabulary's: its bits count, but the word is never reported */
} Entry;

#define WORD_END_MARK '\x01' /* lexicon.WORD_END: the word before it must end there */
#define MAX_LENGTHS 64

#define BLOOM_BITS 65536
#define SIMD_FIRSTS 8
#define SIMD_PAIRS 24

typedef struct {
    size_t mask;
    /* One bit per word, picked by its hash: a text's word whose bit is clear is in no slot, which
     * is most words of noise. The bits fit in the fastest cache, the slots mostly do not. */
    uint64_t bloom[BLOOM_BITS / 64];
    /* Kept for word starts only: */
    int any_must_end;
    int opens_other;                 /* some word starts with a character other than a-z */
    int count_lengths;
    Py_ssize_t lengths[MAX_LENGTHS]; /* the distinct lengths of the words, longest first */
    unsigned char first[256];        /* 1: some word of two or more characters starts with it; 2: a one-character word is it */
    unsigned char pairs[65536 / 8];  /* the first two characters of some word, as bits */
    unsigned char complete[65536 / 8]; /* the same for the words of two characters */
    unsigned char triples[65536 / 8];  /* the first three characters of the longer words, hashed (triple_bit) */
    /* The same for open_bits, when they are few: each first character with the second characters
     * that may follow it (`any_second` for a word of one character). simd_firsts is -1 when there
     * are too many to compare 16 bytes with at once. */
    int simd_firsts, simd_pairs;
    unsigned char simd_first[SIMD_FIRSTS][16];      /* each first character, 16 times over */
    unsigned char simd_alone[SIMD_FIRSTS];          /* 1: it is a word of its own */
    unsigned char simd_pair_first[SIMD_PAIRS];      /* a pair's first character, as an index of simd_first */
    unsigned char simd_pair_second[SIMD_PAIRS][16]; /* its second character, 16 times over */
    Entry entries[];
} WordTable;

static inline int has_bit(const unsigned char *bits, unsigned bit) { return (bits[bit >> 3] >> (bit & 7)) & 1; }

/* Lists a word_starts table's first characters and pairs for open_bits, if there are few enough. */
static void list_openings(WordTable *table) {
    int firsts = 0, pairs = 0;
    for (int c = 0; c < 256; c++) {
        if (!table->first[c]) continue;
        if (firsts == SIMD_FIRSTS) {
            table->simd_firsts = -1;
            return;
        }
        int k = firsts++;
        memset(table->simd_first[k], c, 16);
        table->simd_alone[k] = (table->first[c] & 2) != 0;
        for (int d = 0; d < 256 && !table->simd_alone[k]; d++) {
            if (!has_bit(table->pairs, (unsigned)c << 8 | (unsigned)d)) continue;
            if (pairs == SIMD_PAIRS) {
                table->simd_firsts = -1;
                return;
            }
            table->simd_pair_first[pairs] = (unsigned char)k;
            memset(table->simd_pair_second[pairs++], d, 16);
        }
    }
    table->simd_firsts = firsts;
    table->simd_pairs = pairs;
}

#define VOCABULARY_CAPSULE "moderation._textscan.vocabulary"
#define WORD_STARTS_CAPSULE "moderation._textscan.word_starts"

static void table_free(PyObject *capsule) {
    WordTable *table = PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
    if (table == NULL) return;
    for (size_t i = 0; i <= table->mask; i++) Py_XDECREF(table->entries[i].word);
    PyMem_Free(table);
}

static inline size_t bloom_bit(Py_hash_t h) { return ((size_t)h >> 24) & (BLOOM_BITS - 1); }

static inline int in_bloom(const WordTable *table, Py_hash_t h) {
    size_t bit = bloom_bit(h);
    return (table->bloom[bit >> 6] >> (bit & 63)) & 1;
}

/* The table's entry for s[0:len], whose bytes_hash is h, or NULL. */
static Entry *find_hashed(const WordTable *table, Py_hash_t h, const unsigned char *s, Py_ssize_t len) {
    for (size_t at = (size_t)h & table->mask; table->entries[at].word != NULL; at = (at + 1) & table->mask) {
        const Entry *e = &table->entries[at];
        if (e->hash == h && e->len == len && memcmp(e->data, s, (size_t)len) == 0) return (Entry *)e;
    }
    return NULL;
}

/* The table's entry for s[0:len], or NULL. */
static Entry *find_entry(const WordTable *table, const unsigned char *s, Py_ssize_t len) {
    Py_hash_t h = bytes_hash(s, len);
    return in_bloom(table, h) ? find_hashed(table, h, s, len) : NULL;
}

/* Adds one word to a table of word starts: its first characters and its length. */
static inline unsigned triple_bit(const unsigned char *s) {
    return ((unsigned)s[0] << 10 ^ (unsigned)s[1] << 5 ^ s[2]) & 0xffff;
}


static int note_start(WordTable *table, const unsigned char *data, Py_ssize_t len) {
    table->opens_other |= (unsigned char)(data[0] - 'a') >= 26;
    if (len == 1) {
        table->first[data[0]] |= 2;
    } else {
        table->first[data[0]] |= 1;
        unsigned pair = (unsigned)data[0] << 8 | data[1];
        table->pairs[pair >> 3] |= (unsigned char)(1u << (pair & 7));
        if (len == 2) table->complete[pair >> 3] |= (unsigned char)(1u << (pair & 7));
        if (len >= 3) table->triples[triple_bit(data) >> 3] |= (unsigned char)(1u << (triple_bit(data) & 7));
    }
    for (int k = 0; k < table->count_lengths; k++)
        if (table->lengths[k] == len) return 0;
    if (table->count_lengths == MAX_LENGTHS) {
        PyErr_SetString(PyExc_ValueError, "word_starts() takes words of at most 64 different lengths");
        return -1;
    }
    int k = table->count_lengths++;
    while (k > 0 && table->lengths[k - 1] < len) {
        table->lengths[k] = table->lengths[k - 1];
        k--;
    }
    table->lengths[k] = len;
    return 0;
}

/* A table of `arg`, an iterable of str, in a capsule named `kind`. For word starts a word ending in
 * WORD_END_MARK must also end where a word of the text ends, and no word may be empty. `bits`, a
 * dict or NULL, gives words their bits (an int below 2**64); words it does not hold have none. */
static PyObject *make_table(PyObject *arg, const char *kind, int starts, PyObject *bits) {
    const char *what = starts ? "word_starts() takes an iterable of str" : "vocabulary() takes an iterable of str";
    /* A tuple of its own: looking a word up in `bits` may run a key's __eq__, which must not be able
     * to change the words under the loop (a list given here would be the caller's own). */
    PyObject *words = PySequence_Tuple(arg);
    if (words == NULL) return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(words);
    size_t size = 16;
    while (size < (size_t)count * 2) size <<= 1; /* at most half full: probing always ends */
    WordTable *table = PyMem_Calloc(1, sizeof(WordTable) + size * sizeof(Entry));
    if (table == NULL) {
        Py_DECREF(words);
        return PyErr_NoMemory();
    }
    table->mask = size - 1;
    PyObject *capsule = PyCapsule_New(table, kind, table_free);
    if (capsule == NULL) {
        PyMem_Free(table);
        Py_DECREF(words);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *word = PyTuple_GET_ITEM(words, i);
        /* Exactly str: adding a subclass's object to a set would run its own __hash__ and __eq__
         * in the middle of a scan. */
        if (!PyUnicode_CheckExact(word)) {
            PyErr_SetString(PyExc_TypeError, what);
            goto error;
        }
        if (!PyUnicode_IS_ASCII(word)) continue;
        const unsigned char *data = (const unsigned char *)PyUnicode_DATA(word);
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        int must_end = starts && len > 0 && data[len - 1] == WORD_END_MARK;
        len -= must_end;
        if (starts && len == 0) {
            PyErr_SetString(PyExc_ValueError, "word_starts() takes no empty word");
            goto error;
        }
        Entry *e = find_entry(table, data, len);
        if (e != NULL) {
            /* The same word twice: it need only end a word if both say so. */
            e->must_end = e->must_end && must_end;
            if (bits != NULL) {
                PyObject *value = PyDict_GetItemWithError(bits, word);
                if (value == NULL && PyErr_Occurred()) goto error;
                if (value != NULL) {
                    e->bits |= PyLong_AsUnsignedLongLong(value);
                    if (PyErr_Occurred()) goto error;
                }
            }
            continue;
        }
        uint64_t word_bits = 0;
        if (bits != NULL) {
            PyObject *value = PyDict_GetItemWithError(bits, word);
            if (value == NULL && PyErr_Occurred()) goto error;
            if (value != NULL) {
                word_bits = PyLong_AsUnsignedLongLong(value);
                if (PyErr_Occurred()) goto error;
            }
        }
        Py_hash_t h = bytes_hash(data, len);
        size_t at = (size_t)h & table->mask, bit = bloom_bit(h);
        while (table->entries[at].word != NULL) at = (at + 1) & table->mask;
        Py_INCREF(word);
        table->entries[at] = (Entry){h, len, data, word, must_end, 0, word_bits, 0};
        table->bloom[bit >> 6] |= (uint64_t)1 << (bit & 63);
        table->any_must_end |= must_end;
        if (starts && note_start(table, data, len) < 0) goto error;
    }
    if (starts) list_openings(table);
    Py_DECREF(words);
    return capsule;
error:
    Py_DECREF(words);
    Py_DECREF(capsule);
    return NULL;
}

/* vocabulary(words[, bits[, silent]]) -> an opaque table for known_words, words_and_bits and
 * known_pieces; `bits` maps words to their gate bits (ints below 2**64); the words of `silent` set
 * their bits but are never reported. */
static PyObject *vocabulary(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *words, *bits = NULL, *silent = NULL;
    if (!PyArg_ParseTuple(args, "O|O!O:vocabulary", &words, &PyDict_Type, &bits, &silent)) return NULL;
    PyObject *capsule = make_table(words, VOCABULARY_CAPSULE, 0, bits);
    if (capsule == NULL || silent == NULL) return capsule;
    /* Words of the table whose bits count but which are never reported (word_index's infixes). */
    WordTable *table = PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE);
    PyObject *quiet = PySequence_Tuple(silent);
    if (quiet == NULL) {
        Py_DECREF(capsule);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(quiet); i++) {
        PyObject *word = PyTuple_GET_ITEM(quiet, i);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "vocabulary() takes silent words as str");
            Py_DECREF(quiet);
            Py_DECREF(capsule);
            return NULL;
        }
        if (!PyUnicode_IS_ASCII(word)) continue;
        Entry *e = find_entry(table, (const unsigned char *)PyUnicode_DATA(word), PyUnicode_GET_LENGTH(word));
        if (e != NULL) e->silent = 1;
    }
    Py_DECREF(quiet);
    return capsule;
}

/* word_starts(words[, bits]) -> an opaque table for find_word_start, key_starts, address_gates and
 * needle_bits. A word ending in lexicon.WORD_END must also end where a word of the text ends (a
 * regex's \b after it); `bits` maps words to bits (ints below 2**64) for needle_bits. */
static PyObject *word_starts(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *words, *bits = NULL;
    if (!PyArg_ParseTuple(args, "O|O!:word_starts", &words, &PyDict_Type, &bits)) return NULL;
    return make_table(words, WORD_STARTS_CAPSULE, 1, bits);
}

/* Adds the entry to `found` unless this call (`current`) has found it already; ORs its bits into
 * *bits. -1 on error. */
static int note_found(Entry *e, uint64_t current, PyObject *found, uint64_t *bits) {
    if (e->seen == current) return 0;
    e->seen = current;
    *bits |= e->bits;
    return e->silent ? 0 : PySet_Add(found, e->word);
}

/* known_words(text, vocabulary) -> frozenset | None
 * words_and_bits(text, vocabulary) -> (frozenset, bits) | None
 *
 * For ASCII text of words separated by single spaces: the frozenset of its distinct words that
 * the vocabulary holds (what set(text.split(" ")) & vocabulary holds), as the vocabulary's own
 * str objects, and the OR of their bits. The text's other words (most of a long message) never
 * become objects at all, and a word found again is not added again: its entry carries the
 * generation of the call that found it. The generation is taken after the set is made: making it
 * may run a garbage collection, and with it finalizers that could call this function again.
 * Nothing after that runs Python code.
 */
static PyObject *scan_words(PyObject *args, const char *format, int with_bits) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, format, &text, &capsule)) return NULL;
    WordTable *table = PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE);
    if (table == NULL) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    /* A copy with eight bytes of padding, for padded_hash; and where its spaces are. */
    unsigned char stack[2048 + 8];
    uint64_t space_stack[BITS_STACK];
    unsigned char *copy = n + 8 <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)n + 8);
    Py_ssize_t words = n / 64 + 1;
    uint64_t *spaces = copy == NULL ? NULL : bits_for(words, 1, space_stack);
    if (spaces == NULL) {
        if (copy != stack) PyMem_Free(copy);
        return copy == NULL ? PyErr_NoMemory() : NULL;
    }
    memcpy(copy, s, (size_t)n);
    memset(copy + n, 0, 8);
    range_bits(copy, n, ' ', ' ', words, spaces);
    PyObject *found = PyFrozenSet_New(NULL);
    uint64_t current = ++generation, bits = 0;
    /* Words end at spaces. A block's words are hashed and tried on the bloom filter first, without
     * a branch (the few that pass are noted), and only those are looked up in the slots. */
    Py_ssize_t start = 0;
    struct { Py_ssize_t start, len; Py_hash_t hash; } passed[65];
    for (Py_ssize_t b = 0; found != NULL && b * 64 <= n; b++) {
        uint64_t ends = b * 64 < n ? spaces[b] : 0;
        int count = 0;
        for (; ends; ends &= ends - 1) {
            Py_ssize_t stop = b * 64 + __builtin_ctzll(ends);
            Py_hash_t h = padded_hash(copy + start, stop - start);
            passed[count].start = start;
            passed[count].len = stop - start;
            passed[count].hash = h;
            count += in_bloom(table, h);
            start = stop + 1;
        }
        if ((b + 1) * 64 > n) {
            /* The last block: the word after the last space (empty if the text ends in one). */
            Py_hash_t h = padded_hash(copy + start, n - start);
            passed[count].start = start;
            passed[count].len = n - start;
            passed[count].hash = h;
            count += in_bloom(table, h);
        }
        for (int k = 0; k < count; k++) {
            Entry *e = find_hashed(table, passed[k].hash, copy + passed[k].start, passed[k].len);
            if (e != NULL && note_found(e, current, found, &bits) < 0) {
                Py_CLEAR(found);
                break;
            }
        }
    }
    if (copy != stack) PyMem_Free(copy);
    if (spaces != space_stack) PyMem_Free(spaces);
    if (found == NULL) return NULL;
    if (!with_bits) return found;
    return Py_BuildValue("(NK)", found, (unsigned long long)bits);
}

static PyObject *known_words(PyObject *Py_UNUSED(self), PyObject *args) {
    return scan_words(args, "UO:known_words", 0);
}

static PyObject *words_and_bits(PyObject *Py_UNUSED(self), PyObject *args) {
    return scan_words(args, "UO:words_and_bits", 1);
}

/* known_pieces(runs, vocabulary, longest[, base]) -> (frozenset, bits) | None
 *
 * For a list of ASCII str, each of lower-case words one space apart (spaced-out letters as
 * normalize joined them): every piece (substring) of at most `longest` characters of every word,
 * with its letter runs cut to one (normalize.squeeze), that the vocabulary holds (and does not
 * keep silent), as a frozenset of the vocabulary's own str objects with the items of the frozenset
 * `base`, and the OR of their bits (the silent words' too): word_index's pieces and
 * mask_of_pieces, without making each piece an object. None if a run is not ASCII.
 */
static PyObject *known_pieces(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *runs, *capsule, *base = NULL;
    Py_ssize_t longest;
    if (!PyArg_ParseTuple(args, "O!On|O!:known_pieces", &PyList_Type, &runs, &capsule, &longest, &PyFrozenSet_Type, &base))
        return NULL;
    WordTable *table = PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE);
    if (table == NULL) return NULL;
    /* The runs are read from a tuple of their own: adding a word to the set may run Python code
     * (an item of `base` with the same hash compares itself with it), which could change the list.
     * The strs themselves cannot change. The set is made first: making it may run a garbage
     * collection, and with it finalizers. */
    PyObject *found = PyFrozenSet_New(base);
    if (found == NULL) return NULL;
    PyObject *own = PyList_AsTuple(runs);
    if (own == NULL) {
        Py_DECREF(found);
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(own), size = 0;
    for (Py_ssize_t r = 0; r < count; r++) {
        PyObject *run = PyTuple_GET_ITEM(own, r);
        if (!PyUnicode_Check(run)) {
            PyErr_SetString(PyExc_TypeError, "known_pieces() takes a list of str");
            Py_DECREF(own);
            Py_DECREF(found);
            return NULL;
        }
        if (!PyUnicode_IS_ASCII(run)) {
            Py_DECREF(own);
            Py_DECREF(found);
            Py_RETURN_NONE;
        }
        size = PyUnicode_GET_LENGTH(run) > size ? PyUnicode_GET_LENGTH(run) : size;
    }
    unsigned char stack[256];
    unsigned char *word = size <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)size + 1);
    if (word == NULL) {
        Py_DECREF(own);
        Py_DECREF(found);
        return PyErr_NoMemory();
    }
    uint64_t current = ++generation, bits = 0;
    for (Py_ssize_t r = 0; r < count; r++) {
        PyObject *run = PyTuple_GET_ITEM(own, r);
        Py_ssize_t n = PyUnicode_GET_LENGTH(run);
        const unsigned char *s = (const unsigned char *)PyUnicode_DATA(run);
        for (Py_ssize_t start = 0; start < n;) {
            /* One word, squeezed: a letter the same as the one before it is left out. */
            Py_ssize_t length = 0, i = start;
            for (; i < n && s[i] != ' '; i++)
                if (length == 0 || s[i] != word[length - 1] || !LOWER(s[i])) word[length++] = s[i];
            for (Py_ssize_t from = 0; from < length; from++)
                for (Py_ssize_t to = from + 1; to <= length && to - from <= longest; to++) {
                    Entry *e = find_entry(table, word + from, to - from);
                    if (e != NULL && note_found(e, current, found, &bits) < 0) goto fail;
                }
            start = i + 1;
        }
    }
    Py_DECREF(own);
    if (word != stack) PyMem_Free(word);
    return Py_BuildValue("(NK)", found, (unsigned long long)bits);
fail:
    Py_DECREF(own);
    Py_XDECREF(found);
    if (word != stack) PyMem_Free(word);
    return NULL;
}

/* Could a word of the table start at s[i]? Its first two characters decide (or its one character,
 * for a word of one). Asked first at every position of a scan, because it is nearly always no and
 * so predictable; asking first whether a word of the text starts there is a coin toss in noise. */
static inline int may_open(const WordTable *table, const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
    unsigned pair = (unsigned)s[i] << 8 | (i + 1 < n ? s[i + 1] : 0);
    return ((table->pairs[pair >> 3] >> (pair & 7)) & 1) | (table->first[s[i]] >> 1);
}

/* Where a word of the table could start in s[0:n] (may_open), as bits over `words` words, the
 * bits past n clear. With SSE2 and few enough openings (list_openings), 16 bytes are compared
 * with each opening at once; elsewhere may_open is asked at each byte, without a branch. */
static void open_bits(const WordTable *table, const unsigned char *s, Py_ssize_t n, Py_ssize_t words, uint64_t *bits) {
    for (Py_ssize_t w = 0; w < words; w++) {
        Py_ssize_t base = w * 64, len = n - base < 0 ? 0 : (n - base < 64 ? n - base : 64);
        uint64_t m = 0;
        Py_ssize_t j = 0;
#if defined(__SSE2__)
        /* Each step reads 17 bytes: the 16 and the byte after the last. */
        for (; table->simd_firsts >= 0 && j + 16 <= len && base + j + 17 <= n; j += 16) {
            __m128i here = _mm_loadu_si128((const __m128i *)(s + base + j));
            __m128i next = _mm_loadu_si128((const __m128i *)(s + base + j + 1));
            __m128i first[SIMD_FIRSTS];
            __m128i opens = _mm_setzero_si128();
            for (int k = 0; k < table->simd_firsts; k++) {
                first[k] = _mm_cmpeq_epi8(here, _mm_loadu_si128((const __m128i *)table->simd_first[k]));
                if (table->simd_alone[k]) opens = _mm_or_si128(opens, first[k]);
            }
            for (int q = 0; q < table->simd_pairs; q++) {
                __m128i second = _mm_cmpeq_epi8(next, _mm_loadu_si128((const __m128i *)table->simd_pair_second[q]));
                opens = _mm_or_si128(opens, _mm_and_si128(first[table->simd_pair_first[q]], second));
            }
            m |= (uint64_t)(uint16_t)_mm_movemask_epi8(opens) << j;
        }
#endif
        for (; j < len; j++) m |= (uint64_t)may_open(table, s, n, base + j) << j;
        bits[w] = m;
    }
}

/* Could a word of the table stand at s[i:]? A word of one character, of two, or one starting
 * with these three: a closer look than may_open, asked before the lookups of each length. */
static inline int could_start(const WordTable *table, const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
    return (table->first[s[i]] & 2) || (i + 1 < n && has_bit(table->complete, (unsigned)s[i] << 8 | s[i + 1]))
           || (i + 2 < n && has_bit(table->triples, triple_bit(s + i)));
}

/* The entry of the longest word of the table at s[i:], or NULL. */
static const Entry *word_at(const WordTable *table, const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
    unsigned char opens = table->first[s[i]];
    if (!opens) return NULL;
    int two = 0;
    if ((opens & 1) && i + 1 < n) {
        unsigned pair = (unsigned)s[i] << 8 | s[i + 1];
        two = (table->pairs[pair >> 3] >> (pair & 7)) & 1;
    }
    for (int k = 0; k < table->count_lengths; k++) {
        Py_ssize_t len = table->lengths[k];
        if (len == 1 ? !(opens & 2) : !two) continue;
        if (i + len > n) continue;
        const Entry *e = find_entry(table, s + i, len);
        if (e != NULL && (!e->must_end || i + len == n || !is_word_char(s[i + len]))) return e;
    }
    return NULL;
}

/* find_word_start(text, table, pos) -> (start, end) | None
 *
 * For ASCII text: the first place at or after `pos` where a word of the text starts (no word
 * character before it) with one of the table's words, the longest there; (-1, -1) if there is
 * none. None for other text.
 */
static PyObject *find_word_start(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *capsule;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "UOn:find_word_start", &text, &capsule, &pos)) return NULL;
    const WordTable *table = PyCapsule_GetPointer(capsule, WORD_STARTS_CAPSULE);
    if (table == NULL) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    for (Py_ssize_t i = pos < 0 ? 0 : pos; i < n; i++) {
        if (!may_open(table, s, n, i) || (i > 0 && is_word_char(s[i - 1]))) continue;
        const Entry *e = word_at(table, s, n, i);
        if (e != NULL) return Py_BuildValue("(nn)", i, i + e->len);
    }
    return Py_BuildValue("(nn)", (Py_ssize_t)-1, (Py_ssize_t)-1);
}

/* Python's str.isspace for an ASCII character (which counts \x1c-\x1f). */
static int py_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* pii._NAME_WORD.fullmatch: [A-Za-z][\w'.-]* */
static int name_word(const unsigned char *s, Py_ssize_t n) {
    if (n == 0 || !is_letter(s[0])) return 0;
    for (Py_ssize_t i = 1; i < n; i++)
        if (!is_word_char(s[i]) && s[i] != '\'' && s[i] != '.' && s[i] != '-') return 0;
    return 1;
}

/* pii._NUMBER_AT_END.search on one token: (?<!\w)\d{1,5}[A-Za-z]?,?\Z */
static int number_at_end(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t e = n;
    if (e > 0 && s[e - 1] == ',') e--;
    if (e > 0 && is_letter(s[e - 1])) e--;
    Py_ssize_t d = e;
    while (d > 0 && is_digit(s[d - 1])) d--;
    return e - d >= 1 && e - d <= 5 && (d == 0 || !is_word_char(s[d - 1]));
}

/* pii's _ADDRESS_EN gate at a street word starting at `start`: whitespace before it, one to four
 * name words before that, and the whitespace-separated token before those ending in a number. */
static int address_en_at(const unsigned char *text, Py_ssize_t start) {
    if (start == 0 || !py_space(text[start - 1])) return 0;
    /* The five tokens before it, nearest first (text[:start].rsplit(None, 5)). */
    Py_ssize_t token_start[5], token_end[5];
    int count = 0;
    for (Py_ssize_t p = start; count < 5;) {
        while (p > 0 && py_space(text[p - 1])) p--;
        if (p == 0) break;
        token_end[count] = p;
        while (p > 0 && !py_space(text[p - 1])) p--;
        token_start[count++] = p;
    }
    for (int back = 1; back < count; back++) {
        if (!name_word(text + token_start[back - 1], token_end[back - 1] - token_start[back - 1])) break;
        if (number_at_end(text + token_start[back], token_end[back] - token_start[back])) return 1;
    }
    return 0;
}

/* Does text[:end] end in pii._NUMBER_FIRST_AT_END, \d(?<!\w\d)\d{0,3}(?:\s?(?:bis|ter))?,?\Z (case
 * ignored), matched from `low` at the earliest? The digits end at `digits_end`. */
static int number_first_ends(const unsigned char *text, Py_ssize_t digits_end, Py_ssize_t earliest) {
    Py_ssize_t d = digits_end;
    while (d > 0 && is_digit(text[d - 1])) d--;
    return digits_end - d >= 1 && digits_end - d <= 4 && d >= earliest && (d == 0 || !is_word_char(text[d - 1]));
}

static int ends_in_number_first(const unsigned char *text, Py_ssize_t end, Py_ssize_t earliest) {
    Py_ssize_t e = end;
    if (e > 0 && text[e - 1] == ',') e--;
    if (number_first_ends(text, e, earliest)) return 1;
    if (e < 3) return 0;
    unsigned char a = text[e - 3] | 0x20, b = text[e - 2] | 0x20, c = text[e - 1] | 0x20;
    if (!((a == 'b' && b == 'i' && c == 's') || (a == 't' && b == 'e' && c == 'r'))) return 0;
    /* Case is folded by or-ing 0x20, which also takes a few non-letters: those fail above. */
    if (!is_letter(text[e - 3]) || !is_letter(text[e - 2]) || !is_letter(text[e - 1])) return 0;
    e -= 3;
    if (number_first_ends(text, e, earliest)) return 1;
    return e > 0 && py_space(text[e - 1]) && number_first_ends(text, e - 1, earliest);
}

/* pii's _ADDRESS_OTHER gate at a street word that comes first and ends at `end`: a digit after
 * it, past only word characters, whitespace and ".'-,". */
static int address_name_first_at(const unsigned char *text, Py_ssize_t n, Py_ssize_t end) {
    for (Py_ssize_t p = end; p < n; p++) {
        unsigned char c = text[p];
        if (is_digit(c)) return 1;
        if (!is_word_char(c) && !py_space(c) && c != '.' && c != '\'' && c != '-' && c != ',') return 0;
    }
    return 0;
}

/* The same at a street word that comes after its number and starts at `start`: whitespace before
 * it, and the number (pii._NUMBER_FIRST_AT_END) in the last twelve characters before that. */
static int address_number_first_at(const unsigned char *text, Py_ssize_t start) {
    Py_ssize_t stripped = start; /* len(text[:start].rstrip()) */
    while (stripped > 0 && py_space(text[stripped - 1])) stripped--;
    return stripped < start && ends_in_number_first(text, stripped, stripped > 12 ? stripped - 12 : 0);
}

/* needle_bits(text, table) -> int | None
 *
 * For ASCII text: the OR of the bits of every word of the table (a word_starts table, made with
 * bits) that occurs anywhere in the text, `needle in text` for each at once. A stage that asks a
 * long text about several strings pays one pass instead of one search for each. None for other text.
 */
static PyObject *needle_bits(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, "UO:needle_bits", &text, &capsule)) return NULL;
    const WordTable *table = PyCapsule_GetPointer(capsule, WORD_STARTS_CAPSULE);
    if (table == NULL) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    Py_ssize_t words = n / 64 + 1;
    uint64_t opens_stack[BITS_STACK];
    uint64_t *opens = bits_for(words, 1, opens_stack);
    if (opens == NULL) return NULL;
    open_bits(table, s, n, words, opens);
    uint64_t bits = 0;
    for (Py_ssize_t w = 0; w < words; w++) {
        for (uint64_t at = opens[w]; at; at &= at - 1) {
            Py_ssize_t i = w * 64 + __builtin_ctzll(at);
            if (!could_start(table, s, n, i)) continue;
            for (int k = 0; k < table->count_lengths; k++) {
                Py_ssize_t len = table->lengths[k];
                if (i + len > n) continue;
                const Entry *e = find_entry(table, s + i, len);
                if (e != NULL) bits |= e->bits;
            }
        }
    }
    if (opens != opens_stack) PyMem_Free(opens);
    return PyLong_FromUnsignedLongLong(bits);
}

/* address_gates(text, en, name_first, number_first, anywhere, any) -> int | None
 *
 * For ASCII text, which address patterns of pii could match, as bits: 1 for _ADDRESS_EN (a street
 * word of `en` after whitespace, one to four name words before it and a number before those), 2
 * for _ADDRESS_OTHER (a street word of `name_first` with a number after it, or one of
 * `number_first` right after its number), 4 if the lower-case text holds one of `anywhere`'s words
 * (the German street suffixes) anywhere. The street words are found where a word of the text's
 * lower case starts, the longest there. `any` holds the words of all four tables: one pass asks it
 * first whether any could start at a position, and only then asks the four. The Python twin is in
 * tests/moderation/test_textscan.py. None for other text.
 */
static PyObject *address_gates(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *capsules[5];
    if (!PyArg_ParseTuple(args, "UOOOOO:address_gates", &text, &capsules[0], &capsules[1], &capsules[2],
                          &capsules[3], &capsules[4]))
        return NULL;
    const WordTable *tables[5];
    for (int k = 0; k < 5; k++)
        if ((tables[k] = PyCapsule_GetPointer(capsules[k], WORD_STARTS_CAPSULE)) == NULL) return NULL;
    const WordTable *en = tables[0], *name_first = tables[1], *number_first = tables[2], *anywhere = tables[3];
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    unsigned char stack[2048];
    unsigned char *low = n <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)n + 1);
    if (low == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) low[i] = s[i] | (unsigned char)(((unsigned char)(s[i] - 'A') < 26) << 5);
    /* Word starts (no word character before) where a street word of the union could begin, as bits
     * (the union's words start with letters, so only letters), and where a German suffix could
     * begin anywhere (open_bits): on noise a branch per byte on either was often mispredicted. */
    Py_ssize_t words = n / 64 + 1;
    uint64_t bits_stack[3 * BITS_STACK];
    uint64_t *starts = bits_for(words, 3, bits_stack);
    if (starts == NULL) {
        if (low != stack) PyMem_Free(low);
        return NULL;
    }
    uint64_t *digit = starts + words, *suffixes = digit + words;
    range_bits(low, n, 'a', 'z', words, starts);
    range_bits(low, n, '0', '9', words, digit);
    range_bits(low, n, '_', '_', words, suffixes);
    uint64_t previous_word = 0; /* was the byte before the block a word character? */
    for (Py_ssize_t w = 0; w < words; w++) {
        uint64_t letter = starts[w], word = letter | digit[w] | suffixes[w];
        Py_ssize_t len = n - w * 64 < 64 ? n - w * 64 : 64;
        uint64_t inside = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
        uint64_t after_other = ~(word << 1 | previous_word) & inside;
        previous_word = word >> 63;
        starts[w] = after_other & (tables[4]->opens_other ? inside : letter);
    }
    open_bits(anywhere, low, n, words, suffixes);
    long gates = 0;
    const Entry *e;
    for (Py_ssize_t w = 0; w < words && gates != 7; w++) {
        for (uint64_t at = starts[w]; at && (gates & 3) != 3; at &= at - 1) {
            Py_ssize_t i = w * 64 + __builtin_ctzll(at);
            if (!may_open(tables[4], low, n, i)) continue;
            if (!(gates & 1) && may_open(en, low, n, i) && word_at(en, low, n, i) != NULL && address_en_at(s, i))
                gates |= 1;
            if (!(gates & 2) && may_open(name_first, low, n, i) && (e = word_at(name_first, low, n, i)) != NULL
                && address_name_first_at(s, n, i + e->len))
                gates |= 2;
            if (!(gates & 2) && may_open(number_first, low, n, i) && word_at(number_first, low, n, i) != NULL
                && address_number_first_at(s, i))
                gates |= 2;
        }
        for (uint64_t at = suffixes[w]; at && !(gates & 4); at &= at - 1)
            if (word_at(anywhere, low, n, w * 64 + __builtin_ctzll(at)) != NULL) gates |= 4;
    }
    if (starts != bits_stack) PyMem_Free(starts);
    if (low != stack) PyMem_Free(low);
    return PyLong_FromLong(gates);
}

/* Does s[i:i+len] equal `lower`, a lower-case ASCII string, case aside? */
static int equal_lower(const unsigned char *s, const char *lower, Py_ssize_t len) {
    for (Py_ssize_t k = 0; k < len; k++)
        if ((s[k] | (unsigned char)(((unsigned char)(s[k] - 'A') < 26) << 5)) != (unsigned char)lower[k]) return 0;
    return 1;
}

/* link_start(text, tlds) -> int | None
 *
 * For ASCII text, spam._earliest_link: where a link can start at the earliest, or -1. 0 if the text
 * holds "://" or "www." (case aside); else, at the first "." followed by one of `tlds` (a word_starts
 * table of lower-case top-level domains, case aside here) and a word end, the start of the run of
 * letters, digits, "." and "-" that holds it. The text is not lowered first: the few bytes after
 * each "." are. None for other text.
 */
static PyObject *link_start(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, "UO:link_start", &text, &capsule)) return NULL;
    const WordTable *table = PyCapsule_GetPointer(capsule, WORD_STARTS_CAPSULE);
    if (table == NULL) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    for (Py_ssize_t colon = next_byte(s, n, 0, ':'); colon >= 0; colon = next_byte(s, n, colon + 1, ':'))
        if (colon + 2 < n && s[colon + 1] == '/' && s[colon + 2] == '/') return PyLong_FromLong(0);
    for (Py_ssize_t dot = next_byte(s, n, 0, '.'); dot >= 0; dot = next_byte(s, n, dot + 1, '.'))
        if (dot >= 3 && equal_lower(s + dot - 3, "www", 3)) return PyLong_FromLong(0);
    unsigned char low[MAX_LENGTHS];
    for (Py_ssize_t at = next_byte(s, n, 0, '.'); at >= 0; at = next_byte(s, n, at + 1, '.')) {
        Py_ssize_t room = n - at - 1;
        if (room < 2) break;
        /* Could a top-level domain start after this dot at all? Its first two letters decide. */
        unsigned char two[2] = {s[at + 1] | (unsigned char)(((unsigned char)(s[at + 1] - 'A') < 26) << 5),
                                s[at + 2] | (unsigned char)(((unsigned char)(s[at + 2] - 'A') < 26) << 5)};
        if (!may_open(table, two, 2, 0)) continue;
        for (int k = 0; k < table->count_lengths; k++) {
            Py_ssize_t len = table->lengths[k];
            if (len > room || len > MAX_LENGTHS) continue;
            for (Py_ssize_t c = 0; c < len; c++)
                low[c] = s[at + 1 + c] | (unsigned char)(((unsigned char)(s[at + 1 + c] - 'A') < 26) << 5);
            if (find_entry(table, low, len) == NULL || (len < room && is_word_char(s[at + 1 + len]))) continue;
            while (at > 0 && ((is_word_char(s[at - 1]) && s[at - 1] != '_') || s[at - 1] == '.' || s[at - 1] == '-')) at--;
            return PyLong_FromSsize_t(at);
        }
    }
    return PyLong_FromLong(-1);
}

/* key_starts(text, table) -> [(position, key), ...] | None
 *
 * For ASCII text: every word start (the text's start, or just after a space) where one of the
 * table's keys begins, its characters either adjacent or one space apart ("fu" and "f u" are the
 * key "fu"), with the key found, as the table's own str; the longest there. The twin of
 * lexicon.PhraseMatcher's start scan, a regex that `re` tries at every space of the text. None for
 * other text.
 */
static PyObject *key_starts(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, "UO:key_starts", &text, &capsule)) return NULL;
    const WordTable *table = PyCapsule_GetPointer(capsule, WORD_STARTS_CAPSULE);
    if (table == NULL) return NULL;
    Py_ssize_t longest = table->count_lengths ? table->lengths[0] : 0;
    if (table->any_must_end || longest > MAX_LENGTHS) {
        /* A key is read across spaces, so where a word ends is not where the key's letters end. */
        PyErr_SetString(PyExc_ValueError, "key_starts() takes keys of at most 64 characters, none marked to end a word");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    uint64_t space_stack[BITS_STACK];
    Py_ssize_t words = n / 64 + 1;
    uint64_t *spaces = bits_for(words, 1, space_stack);
    if (spaces == NULL) return NULL;
    range_bits(s, n, ' ', ' ', words, spaces);
    PyObject *found = PyList_New(0);
    unsigned char key[MAX_LENGTHS + 1];
    for (Py_ssize_t b = 0; found != NULL && b * 64 < n; b++) {
        /* Could a key start at this word? Its character opens a key of one character, or it and
         * the key's second character (after one space, if there is one) open a longer key. Asked
         * for the block's words without a branch, noting those that do: few words of noise. */
        Py_ssize_t opening[64];
        int count = 0;
        for (uint64_t starts = word_start_bits(spaces, b, n); starts; starts &= starts - 1) {
            Py_ssize_t p = b * 64 + __builtin_ctzll(starts);
            unsigned char c = s[p];
            unsigned char next = p + 1 < n ? s[p + 1] : 0, after = p + 2 < n ? s[p + 2] : 0;
            unsigned char second = next == ' ' ? after : next;
            unsigned exists = next == ' ' ? p + 2 < n : p + 1 < n; /* a NUL is a character like any other */
            unsigned pair = (unsigned)c << 8 | second;
            opening[count] = p;
            count += (table->first[c] >> 1) | (has_bit(table->pairs, pair) & (second != ' ') & exists);
        }
        for (int q = 0; q < count; q++) {
            Py_ssize_t p = opening[q];
            /* The characters from p with one space skipped between any two (no key holds a space). */
            Py_ssize_t got = 0;
            for (Py_ssize_t i = p; got < longest && i < n; i++) {
                if (s[i] == ' ') {
                    if (got == 0 || s[i - 1] == ' ') break; /* two spaces: no key goes on */
                    continue;
                }
                key[got++] = s[i];
            }
            /* A key of one character, or of two, or one starting with these three: only then is
             * it looked up (noise opens a key at one word in ten, and few of those go on). */
            unsigned two = (unsigned)key[0] << 8 | (got > 1 ? key[1] : 0);
            if (!((table->first[key[0]] & 2) || (got > 1 && has_bit(table->complete, two))
                  || (got > 2 && has_bit(table->triples, triple_bit(key)))))
                continue;
            const Entry *e = word_at(table, key, got, 0);
            if (e == NULL) continue;
            PyObject *item = Py_BuildValue("(nO)", p, e->word);
            if (item == NULL || PyList_Append(found, item) < 0) {
                Py_XDECREF(item);
                Py_CLEAR(found);
                break;
            }
            Py_DECREF(item);
        }
    }
    if (spaces != space_stack) PyMem_Free(spaces);
    return found;
}

static PyMethodDef methods[] = {
    {"fold_ascii", fold_ascii, METH_O, "normalize._fold_words for printable ASCII text: (spaced, obfuscated) or None."},
    {"cut_runs", cut_runs, METH_O, "normalize._cut_runs for ASCII text: (folded, squeezed) or None."},
    {"join_spaced", join_spaced, METH_O, "normalize._join_spaced_letters for ASCII text: (text, joined runs) or None."},
    {"vocabulary", vocabulary, METH_VARARGS, "A table of words (and their bits) for known_words, words_and_bits and known_pieces."},
    {"words_and_bits", words_and_bits, METH_VARARGS, "known_words, and the OR of the words' bits; or None."},
    {"known_pieces", known_pieces, METH_VARARGS, "The vocabulary's words among the squeezed pieces of joined letters, and their bits; or None."},
    {"word_starts", word_starts, METH_VARARGS, "A table of words (and their bits) for find_word_start, key_starts, address_gates and needle_bits."},
    {"needle_bits", needle_bits, METH_VARARGS, "The OR of the bits of a table's words found anywhere in ASCII text; None for other text."},
    {"find_word_start", find_word_start, METH_VARARGS, "Where a word of ASCII text first starts with a table's word; None for other text."},
    {"key_starts", key_starts, METH_VARARGS, "Where a key of a table starts a word of ASCII text, letters spaced or not; None for other text."},
    {"address_gates", address_gates, METH_VARARGS, "Which of pii's address patterns could match ASCII text, as bits; None for other text."},
    {"letter_counts", letter_counts, METH_O, "Capitals and letters in ASCII text; None for other text."},
    {"clean_ascii", clean_ascii, METH_O, "Has ASCII text no control character the display drops? None for other text."},
    {"digits_close", digits_close, METH_VARARGS, "Does ASCII text hold `count` digits at most `gap` apart (with only `between` between)? None for other text."},
    {"at_domain", at_domain, METH_O, "Could pii's _AT_DOMAIN match ASCII text? None for other text."},
    {"mention_count", mention_count, METH_VARARGS, "Distinct @mentions in ASCII text, counted up to `enough`; None for other text."},
    {"digits_after", digits_after, METH_VARARGS, "Do `count` digits follow some `mark` in ASCII text? None for other text."},
    {"dotted", dotted, METH_O, "Does spam's _DOTTED match ASCII text? None for other text."},
    {"link_start", link_start, METH_VARARGS, "spam._earliest_link for ASCII text; None for other text."},
    {"lower_ascii", lower_ascii, METH_O, "text.lower() for ASCII text, a new str; None for other text."},
    {"masked_match", masked_match, METH_VARARGS, "Does a word of ASCII text with a '*' match one of the words, '*' for any character? None for other text."},
    {"known_words", known_words, METH_VARARGS, "The distinct words of space-separated ASCII text that a vocabulary holds; or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "moderation._textscan", NULL, -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__textscan(void) {
    build_tables();
    return PyModule_Create(&module);
}

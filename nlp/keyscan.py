"""jieba's segmentation (HMM off) compiled with numba, keeping only the tokens a tagger can use.

The tagger scores keyword tokens; every other token of a text is made and thrown away. This
module runs jieba's own algorithm (the DAG of dictionary words, the right-to-left best route,
ASCII letters and digits glued into one token) over a trie of the lexicon in compiled code and
returns the tokens the tagger will find in its keyword index (as they are, or for ASCII tokens
lower-cased or by their leading letters). The route uses the same float64 sums as jieba, so the
kept tokens are exactly those plain jieba yields on the same lexicon (tests/test_nlp_keyscan.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from nlp.dictionaries import Entry

try:
    import numba
except ImportError:  # the tagger falls back to the segmenter
    numba = None  # type: ignore[assignment]


def available() -> bool:
    """True when numba can be imported (the fast tagging path)."""
    return numba is not None


def _jit(fn: Any) -> Any:
    """numba.njit(cache=True) when numba is there (callers check available() first)."""
    return numba.njit(cache=True, nogil=True)(fn) if numba is not None else fn


@_jit
def _find(keys: Any, mask: int, key: int) -> int:
    """Slot of `key` in the open-addressing table, or of the empty slot where it would go."""
    slot = (key * 0x5851F42D4C957F2D) & mask  # multiplicative hash; int64 wraps
    while keys[slot] != -1 and keys[slot] != key:
        slot = (slot + 1) & mask
    return slot


@_jit
def _build(cps: Any, starts: Any, flags: Any, logps: Any, size: int) -> Any:
    """A trie of the words cps[starts[w]:starts[w+1]] as sorted child lists (CSR) per node.

    Returns (first, edges, logp, word, key): the children of node v are
    edges[first[v]:first[v+1]], each `code point << 32 | child`, sorted; logp/word/key per node.
    """
    keys = np.full(size, -1, dtype=np.int64)
    vals = np.zeros(size, dtype=np.int64)
    mask = size - 1
    limit = len(cps) + 1
    logp = np.zeros(limit, dtype=np.float64)
    word = np.zeros(limit, dtype=np.bool_)
    key_of = np.zeros(limit, dtype=np.bool_)
    parent = np.zeros(limit, dtype=np.int64)
    edge_cp = np.zeros(limit, dtype=np.int64)
    nodes = 1
    for w in range(len(starts) - 1):
        node = 0
        for i in range(starts[w], starts[w + 1]):
            k = node * 0x110000 + cps[i]
            slot = _find(keys, mask, k)
            if keys[slot] == -1:
                keys[slot] = k
                vals[slot] = nodes
                parent[nodes] = node
                edge_cp[nodes] = cps[i]
                nodes += 1
            node = vals[slot]
        if flags[w] & 1:
            word[node] = True
            logp[node] = logps[w]
        if flags[w] & 2:
            key_of[node] = True
    children = np.arange(1, nodes)
    order = np.argsort(parent[1:nodes] * 0x110000 + edge_cp[1:nodes])
    children = children[order]
    first = np.zeros(nodes + 1, dtype=np.int64)
    for c in children:
        first[parent[c] + 1] += 1
    for v in range(nodes):
        first[v + 1] += first[v]
    edges = np.empty(len(children), dtype=np.int64)
    for j in range(len(children)):
        edges[j] = (edge_cp[children[j]] << 32) | children[j]
    return first, edges, logp[:nodes], word[:nodes], key_of[:nodes]


@_jit
def _double_array(first: Any, edges: Any, logp: Any, word: Any, key_of: Any) -> Any:
    """The CSR trie as a double array: slot s has child t = base[s] + code(c) when check[t] == s.

    Characters get dense codes 1..K by how many edges use them (frequent ones first), so the
    arrays stay compact and a transition reads one `code`, one base and one check entry.
    Returns (code, da, logp, word, key): code[c] for BMP code points (0: in no word), da[2t] the
    base and da[2t + 1] the check of slot t (both in one cache line), node data per slot.
    """
    nodes = len(first) - 1
    uses = np.zeros(0x110000, dtype=np.int64)
    for j in range(len(edges)):
        uses[edges[j] >> 32] += 1
    order = np.argsort(-uses, kind="mergesort")
    code = np.zeros(0x110000, dtype=np.int32)
    k = 0
    for c in order:
        if uses[c] == 0:
            break
        k += 1
        code[c] = k
    size = 2 * (nodes + k) + 16
    check = np.full(size, -1, dtype=np.int64)  # here only: -1 free, 0 taken
    node_base = np.zeros(nodes, dtype=np.int64)
    check[0] = 0  # the root's slot
    fanout = first[1:] - first[:-1]
    free = 1
    wide_free = 1
    # Bases can be chosen in any order (a child's slot is base + code whoever its parent's slot
    # is), so the widest nodes go first, while the array is still empty.
    for v in np.argsort(-fanout, kind="mergesort"):
        lo = first[v]
        hi = first[v + 1]
        if lo == hi:
            break
        low = 1 << 40
        high = 0
        for j in range(lo, hi):
            low = min(low, code[edges[j] >> 32])
            high = max(high, code[edges[j] >> 32])
        while check[free] != -1:
            free += 1
        wide = hi - lo >= 4
        # try bases that put the lowest child on a free slot f; wide nodes never look back
        # into the crowded slots that earlier wide nodes left (that search is what takes time)
        f = max(free, wide_free) if wide else free
        tries = 0
        while True:
            while f < size and check[f] != -1:
                f += 1
            tries += 1
            if tries == 32 and not wide:  # crowded holes: later narrow nodes start past them
                free = f
            b = f - low
            if b < 1:
                f += 1
                continue
            if b + high >= size:
                check = np.concatenate((check, np.full(size, -1, dtype=np.int64)))
                size *= 2
            fits = True
            for j in range(lo, hi):
                if check[b + code[edges[j] >> 32]] != -1:
                    fits = False
                    break
            if fits:
                break
            f += 1
        node_base[v] = b
        if wide:
            wide_free = f
        for j in range(lo, hi):
            check[b + code[edges[j] >> 32]] = 0
    # slots and parents, top down
    base = np.zeros(size, dtype=np.int64)
    check[:] = -1
    check[0] = 0
    slot_of = np.zeros(nodes, dtype=np.int64)
    queue = np.empty(nodes, dtype=np.int64)
    queue[0] = 0
    head = 0
    tail = 1
    while head < tail:
        v = queue[head]
        head += 1
        s = slot_of[v]
        base[s] = node_base[v]
        for j in range(first[v], first[v + 1]):
            t = node_base[v] + code[edges[j] >> 32]
            check[t] = s
            w = edges[j] & 0xFFFFFFFF
            slot_of[w] = t
            queue[tail] = w
            tail += 1
    used = 1
    for t in range(size):
        if check[t] != -1:
            used = t + 1
    da = np.full(2 * (used + k + 2), -1, dtype=np.int32)  # room for a leaf's base + any code
    for t in range(used):
        da[2 * t] = base[t]
        da[2 * t + 1] = check[t]
    slot_logp = np.zeros(used, dtype=np.float64)
    slot_word = np.zeros(used, dtype=np.bool_)
    slot_key = np.zeros(used, dtype=np.bool_)
    for v in range(nodes):
        t = slot_of[v]
        slot_logp[t] = logp[v]
        slot_word[t] = word[v]
        slot_key[t] = key_of[v]
    return code, da, slot_logp, slot_word, slot_key


@_jit
def _step(code: Any, da: Any, s: int, c: int) -> int:
    """The slot under slot `s` for code point `c`, or -1."""
    k = code[c]
    if k == 0:
        return -1
    t = da[2 * s] + k
    if da[2 * t + 1] == s:
        return int(t)
    return -1


@_jit
def _is_block_char(c: int) -> bool:
    """jieba's re_han_default class: [\u4e00-\u9fd5a-zA-Z0-9+#&._%-]."""
    if 0x4E00 <= c <= 0x9FD5:
        return True
    if c < 128:
        return (
            (48 <= c <= 57)
            or (65 <= c <= 90)
            or (97 <= c <= 122)
            or c == 43
            or c == 35
            or c == 38
            or c == 46
            or c == 95
            or c == 37
            or c == 45
        )
    return False


@_jit
def _is_eng(c: int) -> bool:
    """jieba's re_eng: one ASCII letter or digit."""
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)


@_jit
def _all_ascii(cps: Any, a: int, b: int) -> bool:
    """True when cps[a:b] are all ASCII."""
    for i in range(a, b):  # noqa: SIM110 (a plain loop is what numba compiles best)
        if cps[i] >= 128:
            return False
    return True


@_jit
def _lower(c: int) -> int:
    """ASCII lower case."""
    return c + 32 if 65 <= c <= 90 else c


@_jit
def _ascii_hits(cps: Any, a: int, b: int, kcode: Any, kda: Any, kkey: Any) -> bool:
    """The tagger's ASCII rule: the lower-cased token, or its leading letters, is a keyword."""
    node = 0
    head = -1  # end of the leading run of letters
    for x in range(a, b):
        c = _lower(cps[x])
        if head < 0 and not (97 <= c <= 122):
            head = x
        if node >= 0:
            node = _step(kcode, kda, node, c)
    if node >= 0 and kkey[node]:
        return True
    if head <= a:  # no leading letters, or the token is letters only
        return False
    node = 0
    for x in range(a, head):
        node = _step(kcode, kda, node, _lower(cps[x]))
        if node < 0:
            return False
    return bool(kkey[node])


@_jit
def _may_keep(cps: Any, a: int, b: int, kcode: Any, kda: Any, kkey: Any) -> bool:
    """Whether block cps[a:b] can hold a kept token: an ASCII letter/digit, or a keyword in it."""
    for i in range(a, b):
        if _is_eng(cps[i]):
            return True
    for i in range(a, b):
        node = 0
        for x in range(i, b):
            node = _step(kcode, kda, node, cps[x])
            if node < 0:
                break
            if kkey[node]:
                return True
    return False


@_jit
def _scan(cps: Any, trie: Any, keys: Any, fallback: float, out: Any) -> int:
    """Write (start, end) of every kept token of the text into `out`; return how many."""
    code, da, node_logp, node_word, node_key = trie
    kcode, kda, _klogp, _kword, kkey = keys
    n = len(cps)
    best = np.empty(n + 1, dtype=np.float64)
    nxt = np.empty(n, dtype=np.int64)
    tok_node = np.empty(n, dtype=np.int64)
    count = 0
    i = 0
    while i < n:
        c = cps[i]
        if not _is_block_char(c):
            node = _step(code, da, 0, c)
            if node >= 0 and node_key[node]:
                out[count, 0] = i
                out[count, 1] = i + 1
                count += 1
            i += 1
            continue
        end = i
        while end < n and _is_block_char(cps[end]):
            end += 1
        if not _may_keep(cps, i, end, kcode, kda, kkey):
            i = end  # no token of this block can be a keyword: its route is not needed
            continue
        # jieba.calc: route[idx] = max((logp(word) + route[x + 1], x) for x in DAG[idx])
        best[end] = 0.0
        for idx in range(end - 1, i - 1, -1):
            node = 0
            found = False
            top = 0.0
            top_x = idx
            top_node = -1
            for x in range(idx, end):
                node = _step(code, da, node, cps[x])
                if node < 0:
                    break
                if node_word[node]:
                    cand = node_logp[node] + best[x + 1]
                    if not found or cand >= top:
                        top = cand
                        top_x = x
                        top_node = node
                        found = True
            if not found:  # jieba's DAG falls back to the single character, frequency 1
                top = fallback + best[idx + 1]
                top_x = idx
                top_node = _step(code, da, 0, cps[idx])
            best[idx] = top
            nxt[idx] = top_x
            tok_node[idx] = top_node
        # jieba.__cut_DAG_NO_HMM: single ASCII letters/digits are glued into one token
        x = i
        buf = -1
        while x < end:
            y = nxt[x] + 1
            if y - x == 1 and _is_eng(cps[x]):
                if buf < 0:
                    buf = x
                x = y
                continue
            if buf >= 0:
                if _ascii_hits(cps, buf, x, kcode, kda, kkey):
                    out[count, 0] = buf
                    out[count, 1] = x
                    count += 1
                buf = -1
            node = tok_node[x]
            if (node >= 0 and node_key[node]) or (
                _all_ascii(cps, x, y) and _ascii_hits(cps, x, y, kcode, kda, kkey)
            ):
                out[count, 0] = x
                out[count, 1] = y
                count += 1
            x = y
        if buf >= 0 and _ascii_hits(cps, buf, end, kcode, kda, kkey):
            out[count, 0] = buf
            out[count, 1] = end
            count += 1
        i = end
    return count


def _trie(words: list[str], flags: list[int], logps: list[float]) -> Any:
    """Build the compiled trie for `words` (flags: 1 = word, 2 = keyword)."""
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    starts = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    size = 1 << max(4, (2 * len(cps) + 2).bit_length())
    flag_array = np.array(flags, dtype=np.int64)
    first, edges, logp, word, key = _build(
        cps, starts, flag_array, np.array(logps, dtype=np.float64), size
    )
    return _double_array(first, edges, logp, word, key)


class KeywordScanner:
    """Finds the tokens jieba would cut from a text that the tagger's keyword index matches."""

    def __init__(self, entries: Mapping[str, Entry], keywords: Iterable[str]) -> None:
        """Build the trie: every lexicon word (frequency > 0 is a word) and every keyword."""
        if numba is None:
            raise RuntimeError("numba is not installed")
        total = sum(freq for freq, _ in entries.values())
        log_total = math.log(total)
        flags: dict[str, int] = {}
        logps: dict[str, float] = {}
        for word, (freq, _tag) in entries.items():
            if freq > 0:
                flags[word] = 1
                logps[word] = math.log(freq) - log_total  # jieba: log(freq) - logtotal
            else:
                flags.setdefault(word, 0)
        for word in keywords:
            flags[word] = flags.get(word, 0) | 2
        words = list(flags)
        self._trie = _trie(words, [flags[w] for w in words], [logps.get(w, 0.0) for w in words])
        keyset = sorted(set(keywords))
        self._keys = _trie(keyset, [2] * len(keyset), [0.0] * len(keyset))
        self._fallback = 0.0 - log_total  # jieba: log(1) - logtotal for an unknown character

    def _run(self, text: str) -> tuple[Any, int]:
        """Scan `text`; the kept spans are the first `count` rows of the returned array."""
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        out = np.empty((len(cps), 2), dtype=np.int64)  # per call: threads may share a scanner
        return out, _scan(cps, self._trie, self._keys, self._fallback, out)

    def tokens(self, text: str) -> list[str]:
        """The kept tokens of `text`, in order."""
        if not text:
            return []
        out, count = self._run(text)
        return [text[a:b] for a, b in out[:count].tolist()]

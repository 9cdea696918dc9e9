#!/usr/bin/env python3
"""Independent reference for the expected ids in SdPortal.Tests/Tokenization.

A deliberately plain re-statement of the CLIP tokenizer rules (OpenAI CLIP simple_tokenizer semantics without ftfy):
html.unescape twice, strip, collapse whitespace, lower-case, CLIP's pre-tokenization regex, GPT-2 byte-to-unicode,
and the textbook BPE loop (merge the lowest-ranked pair everywhere, repeat). The C# tokenizer uses a different
algorithm (a priority queue over a linked list of symbols), so agreement between the two is evidence, not tautology.

Usage: clip_reference_tokenizer.py VOCAB_DIR [TEXT ...]   (no TEXT: read one prompt per line from stdin)
Prints one line per prompt: the content ids (without BOS/EOS), space-separated.
Needs only the standard library plus the `regex` module for \\p{L}/\\p{N}.
"""
import html
import json
import os
import sys

import regex

PATTERN = regex.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+",
    regex.IGNORECASE)
SPECIALS = ("<|startoftext|>", "<|endoftext|>")


def byte_alphabet():
    """GPT-2: printable Latin-1 bytes stand for themselves, the other 68 bytes take code points from 256 upwards."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def load(folder):
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().strip().split("\n")
    pairs = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
    return vocab, {pair: rank for rank, pair in enumerate(pairs)}


def bpe(symbols, ranks):
    symbols = list(symbols)
    while len(symbols) > 1:
        candidates = {(symbols[i], symbols[i + 1]) for i in range(len(symbols) - 1)}
        best = min(candidates, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        merged, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                merged.append(best[0] + best[1])
                i += 2
            else:
                merged.append(symbols[i])
                i += 1
        symbols = merged
    return symbols


def clean(text):
    text = html.unescape(html.unescape(text)).strip()
    return " ".join(regex.split(r"\s+", text)).strip().lower()


def encode(text, vocab, ranks, alphabet):
    ids = []
    for piece in PATTERN.findall(clean(text)):
        if piece in SPECIALS:
            ids.append(vocab[piece])
            continue
        chars = [alphabet[b] for b in piece.encode("utf-8")]
        chars[-1] += "</w>"
        ids.extend(vocab[s] for s in bpe(chars, ranks))
    return ids


def main():
    vocab, ranks = load(sys.argv[1])
    alphabet = byte_alphabet()
    prompts = sys.argv[2:] or [line.rstrip("\n") for line in sys.stdin]
    for prompt in prompts:
        print(" ".join(str(i) for i in encode(prompt, vocab, ranks, alphabet)))


if __name__ == "__main__":
    main()

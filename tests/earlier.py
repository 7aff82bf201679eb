"""Segments as earlier releases wrote them, for the tests of reading them."""

from __future__ import annotations

from whoosh.filedb.filetables import OrderedHashWriter

__all__ = ["write_earlier"]


class _EarlierTable(OrderedHashWriter):
    """The term table of earlier releases: Whoosh's ordered hash file of W3 term infos,
    inlined postings pickled (flag 1, the first release) or compact (flag 2, format 2).
    Takes the infos the current writer packs and writes them as those releases did."""

    def __init__(self, dbfile, flag):
        super().__init__(dbfile)
        self.flag = flag

    def add(self, key, value):
        from whoosh.codec.whoosh3 import W3TermInfo
        from whoosh.util.numeric import length_to_byte

        from searchlib.backends.whoosh import inline
        from searchlib.backends.whoosh.termtable import unpack_info

        info = unpack_info(value)
        if info.is_inlined() and self.flag == inline.COMPACT:
            ids, weights, values = info.inlined_postings()
            head = W3TermInfo._struct.pack(inline.COMPACT, info._weight, info._df,
                                           length_to_byte(info._minlength), length_to_byte(info._maxlength),
                                           info._maxweight, info._minid, info._maxid)
            data = head + inline.encode(ids, weights or None, values)
        else:
            data = info.to_bytes()  # Whoosh's own: a pointer, or postings pickled
        super().add(key, data)


def write_earlier(monkeypatch, flag, write):
    """Run ``write()`` with the fast writer writing the term table of an earlier release."""
    from searchlib.backends.whoosh import writer as fast_writer

    with monkeypatch.context() as m:
        m.setattr(fast_writer, "TERMS_EXT", ".trm")
        m.setattr(fast_writer, "TermTableWriter", lambda dbfile: _EarlierTable(dbfile, flag))
        write()

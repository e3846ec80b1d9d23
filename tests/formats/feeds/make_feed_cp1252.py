#!/usr/bin/env python3
"""Writes feed-windows-1252.xml: an RSS 2.0 feed declared and stored as
windows-1252 (curly quotes are the single bytes 0x91-0x94, the en dash 0x96).
Run from this folder: python3 make_feed_cp1252.py
"""
import os

FEED = """<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0">
<channel>
<title>Mopti Regional Bulletin</title>
<link>https://mopti-bulletin.example.org/</link>
<description>News from central Mali \u2013 English edition</description>
<language>en</language>
<item>
<title>Gunmen kill about 160 Fulani villagers in Ogossagou</title>
<link>https://mopti-bulletin.example.org/2019/03/ogossagou</link>
<guid isPermaLink="true">https://mopti-bulletin.example.org/2019/03/ogossagou</guid>
<pubDate>Sun, 24 Mar 2019 17:00:00 +0000</pubDate>
<description>Men dressed as traditional Dozo hunters attacked the Fulani village of Ogossagou in Mali\u2019s Mopti region at dawn on Saturday, shooting residents and setting huts on fire. Local officials said about 160 people were killed, many of them women and children, in the worst single attack in central Mali in years.

Survivors blamed the Dan Na Ambassagou militia, which denied involvement. \u201cThey came from three sides and nobody could run,\u201d said a man who lost his two brothers. The government dissolved the militia the following day and replaced senior army commanders in the region.</description>
</item>
<item>
<title>Jihadists overrun army camps at Boulkessi and Mondoro</title>
<link>https://mopti-bulletin.example.org/2019/10/boulkessi-mondoro</link>
<guid isPermaLink="true">https://mopti-bulletin.example.org/2019/10/boulkessi-mondoro</guid>
<pubDate>Wed, 02 Oct 2019 09:15:00 +0000</pubDate>
<description>Militants attacked two army camps at Boulkessi and Mondoro near the border with Burkina Faso on Monday, killing 38 soldiers according to the government\u2019s latest count, with dozens more missing. The Jama\u2019at Nusrat al-Islam wal-Muslimin (JNIM) coalition said its fighters had carried out the raids.

The attacks were among the deadliest on Malian troops since 2012. Soldiers\u2019 wives protested in Sevare and Bamako, demanding better equipment for the units posted in the \u201cthree borders\u201d area.</description>
</item>
</channel>
</rss>
"""

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    data = FEED.encode("cp1252")
    with open(os.path.join(here, "feed-windows-1252.xml"), "wb") as f:
        f.write(data)
    print(f"feed-windows-1252.xml: {len(data)} bytes")

#!/usr/bin/env python3
"""Writes WARC/1.0 fixtures (Python 3 standard library only).

    python3 make_warc.py                 # crawl.warc and crawl.warc.gz here
    python3 make_warc.py --sample DIR    # DIR/news-crawl.warc.gz

crawl.warc holds, in order:
  1  warcinfo
  2  request   https://www.frontier-post.example.com/middle-east/2024/02/03/us-strikes-iraq-syria
  3  response  (HTML, 200)
  4  request   https://www.frontier-post.example.com/middle-east/2024/02/08/kataib-hezbollah-commander-killed-baghdad
  5  response  (HTML, 200)
  6  request   https://www.frontier-post.example.com/africa/2024/02/11/uae-soldiers-killed-mogadishu-base
  7  response  (HTML, 200, Transfer-Encoding: chunked)
  8  response  https://static.frontier-post.example.com/img/strikes-map.jpg (image/jpeg)
  9  revisit   of record 3 (identical payload digest, no body)
 10  response  https://www.frontier-post.example.com/middle-east/2024/02/old-story (404, HTML error page)
crawl.warc.gz holds the same records, each record its own gzip member, the
members concatenated (what crawlers such as Heritrix and wget write).
"""
import base64
import gzip
import hashlib
import os
import sys
import uuid

CRLF = b"\r\n"
NS = uuid.UUID("6f1e2b8a-0d34-4c1e-9a61-2d7c3b1f5e90")


def rid(name):
    return f"<urn:uuid:{uuid.uuid5(NS, name)}>"


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record(wtype, name, date, headers, block):
    """One WARC record: version line, headers, blank line, block, CRLF CRLF."""
    lines = [
        "WARC/1.0",
        f"WARC-Type: {wtype}",
        f"WARC-Record-ID: {rid(name)}",
        f"WARC-Date: {date}",
    ] + headers + [f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + block + CRLF + CRLF


def warcinfo(filename, date, description):
    body = (
        "software: fixture-crawler/1.3 (sitrep test data)\r\n"
        "format: WARC File Format 1.0\r\n"
        "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
        f"isPartOf: {description}\r\n"
        "robots: obey\r\n"
        "http-header-user-agent: Mozilla/5.0 (compatible; fixture-crawler/1.3)\r\n"
    ).encode("utf-8")
    return record("warcinfo", "info:" + filename, date,
                  [f"WARC-Filename: {filename}", "Content-Type: application/warc-fields"], body)


def http_request(uri):
    host = uri.split("/")[2]
    path = "/" + uri.split("/", 3)[3]
    return (
        f"GET {path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "User-Agent: Mozilla/5.0 (compatible; fixture-crawler/1.3)\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        "Accept-Encoding: identity\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")


def chunked(data, size=700):
    out = bytearray()
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += f"{len(piece):x}\r\n".encode("ascii") + piece + CRLF
    out += b"0\r\n\r\n"
    return bytes(out)


def http_response(status, ctype, payload, date_http, chunk=False, extra=()):
    head = [f"HTTP/1.1 {status}", f"Date: {date_http}", "Server: nginx", f"Content-Type: {ctype}"]
    head += list(extra)
    if chunk:
        head.append("Transfer-Encoding: chunked")
        body = chunked(payload)
    else:
        head.append(f"Content-Length: {len(payload)}")
        body = payload
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def exchange(uri, date, date_http, payload, ctype="text/html; charset=utf-8", status="200 OK",
             chunk=False, ip="192.0.2.80", with_request=True, warcinfo_id=None, extra=()):
    out = b""
    resp_name = "response:" + uri + date
    common = [f"WARC-Target-URI: {uri}", f"WARC-IP-Address: {ip}"]
    if warcinfo_id:
        common.append(f"WARC-Warcinfo-ID: {warcinfo_id}")
    if with_request:
        req = http_request(uri)
        out += record("request", "request:" + uri + date, date,
                      common + [f"WARC-Concurrent-To: {rid(resp_name)}",
                                "Content-Type: application/http; msgtype=request",
                                f"WARC-Block-Digest: {sha1_b32(req)}"], req)
    block = http_response(status, ctype, payload, date_http, chunk, extra)
    # the request first, then the response it produced (the order wget writes)
    out += record("response", resp_name, date,
                  common + ["Content-Type: application/http; msgtype=response",
                            f"WARC-Block-Digest: {sha1_b32(block)}",
                            f"WARC-Payload-Digest: {sha1_b32(payload)}"], block)
    return out


def page(site, section, title, published, canonical, paragraphs, byline):
    ps = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{canonical}">
<script>window.dataLayer=window.dataLayer||[];window.dataLayer.push({{"section":"{section.lower()}"}});</script>
<script async src="https://ads.example-adnet.com/tag.js"></script>
</head>
<body>
<div class="cookie-notice">This site uses cookies. <a href="/cookies">Find out more</a> <button>OK</button></div>
<header><a class="logo" href="/">{site}</a>
<nav><a href="/world">World</a> <a href="/middle-east">Middle East</a> <a href="/africa">Africa</a> <a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a> <a href="/login">Log in</a></nav></header>
<main>
<article>
  <h1>{title}</h1>
  <p class="byline">{byline} &middot; <time datetime="{published}">{published[:10]}</time></p>
  <div class="share">Share on Facebook &middot; Share on X &middot; Copy link</div>
  <div class="body">
{ps}
  </div>
</article>
<aside class="most-read"><h2>Most read</h2><ol>
  <li><a href="/world/2024/02/10/weather-records">Winter heat records broken across the region</a></li>
  <li><a href="/business/2024/02/09/oil-prices">Oil prices climb on Red Sea shipping fears</a></li>
  <li><a href="/sport/2024/02/10/asian-cup-final">Asian Cup final preview</a></li>
</ol></aside>
</main>
<footer><a href="/about">About</a> | <a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | &copy; 2024 {site}</footer>
</body>
</html>
""".encode("utf-8")


SITE = "The Frontier Post"
BASE = "https://www.frontier-post.example.com"

PAGE1 = (BASE + "/middle-east/2024/02/03/us-strikes-iraq-syria",
         "US strikes 85 targets in Iraq and Syria after Tower 22 drone attack",
         "2024-02-03T07:10:00Z", "Middle East", "By Sam Whitlock", [
    "American bombers and other aircraft struck more than 85 targets at seven locations in Iraq and Syria overnight, hitting command centres, rocket and drone stores and logistics sites used by Iran's Quds Force and the militias it backs, the US military said.",
    "The strikes were the first response to the drone attack on the Tower 22 outpost in north-east Jordan last Sunday that killed three American soldiers and wounded dozens more. Washington blamed the Islamic Resistance in Iraq, an umbrella of Iran-aligned armed groups that includes Kataib Hezbollah.",
    "Iraqi officials said 16 people, including civilians, were killed in strikes around al-Qaim and Akashat in Anbar province near the Syrian border. A war monitor said at least 23 fighters died in strikes on positions around Deir ez-Zor, Mayadin and Albu Kamal in eastern Syria.",
    "The Iraqi government condemned the strikes as a violation of its sovereignty and summoned the US charge d'affaires. The White House said further action would follow.",
])

PAGE2 = (BASE + "/middle-east/2024/02/08/kataib-hezbollah-commander-killed-baghdad",
         "US drone strike in Baghdad kills senior Kataib Hezbollah commander",
         "2024-02-08T06:30:00Z", "Middle East", "By Sam Whitlock and Noor Salih", [
    "A US drone strike hit a car in the Mashtal district of eastern Baghdad on Wednesday night, killing a senior commander of Kataib Hezbollah and two other people, Iraqi security officials said.",
    "US Central Command named the commander as Abu Baqir al-Saadi and said he had been directly responsible for planning and taking part in attacks on American forces in the region, including the drone strike at Tower 22 in Jordan.",
    "Crowds gathered around the burnt-out vehicle after the strike, and supporters of the group chanted slogans against the United States. Kataib Hezbollah had announced a week earlier that it was suspending its attacks on US troops to avoid embarrassing the Iraqi government.",
])

PAGE3 = (BASE + "/africa/2024/02/11/uae-soldiers-killed-mogadishu-base",
         "Four UAE soldiers and Bahraini officer killed in attack at Mogadishu base",
         "2024-02-11T08:45:00Z", "Africa", "By Amina Warsame", [
    "Four soldiers from the United Arab Emirates and a Bahraini military officer were killed on Saturday when a Somali soldier opened fire on them at the General Gordon military base in Mogadishu, the UAE defence ministry said.",
    "The attacker, a recently trained member of the Somali army, was himself killed in the shooting, according to Somali officials. Al-Shabaab said it was responsible, describing the gunman as one of its fighters who had joined the army.",
    "The UAE funds and trains Somali units fighting al-Shabaab and pays salaries for some of the troops at the base. Somalia's president sent condolences and said an investigation had been opened into how the attacker was recruited.",
])

ERROR_PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Page not found | The Frontier Post</title></head>
<body><header><a href="/">The Frontier Post</a></header>
<main><h1>Sorry, we can't find that page</h1>
<p>The page you were looking for may have been moved or deleted. Try our <a href="/search">search</a> or go back to the <a href="/">home page</a>.</p></main>
<footer>&copy; 2024 The Frontier Post</footer></body></html>
"""

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(range(64)) + bytes.fromhex("ffd9")


def make_page(p):
    uri, title, published, section, byline, paras = p
    return uri, page(SITE, section, title, published, uri, paras, byline)


def test_records():
    info_name = "crawl.warc"
    recs = [warcinfo(info_name, "2024-02-11T10:14:58Z", "frontier-post test crawl, February 2024")]
    wid = rid("info:" + info_name)
    uri1, html1 = make_page(PAGE1)
    uri2, html2 = make_page(PAGE2)
    uri3, html3 = make_page(PAGE3)
    recs.append(exchange(uri1, "2024-02-11T10:15:00Z", "Sun, 11 Feb 2024 10:15:00 GMT", html1, warcinfo_id=wid))
    recs.append(exchange(uri2, "2024-02-11T10:15:03Z", "Sun, 11 Feb 2024 10:15:03 GMT", html2, warcinfo_id=wid))
    recs.append(exchange(uri3, "2024-02-11T10:15:07Z", "Sun, 11 Feb 2024 10:15:07 GMT", html3, chunk=True,
                         warcinfo_id=wid))
    img_uri = "https://static.frontier-post.example.com/img/strikes-map.jpg"
    recs.append(exchange(img_uri, "2024-02-11T10:15:08Z", "Sun, 11 Feb 2024 10:15:08 GMT", JPEG,
                         ctype="image/jpeg", ip="192.0.2.81", with_request=False, warcinfo_id=wid))
    # revisit of page 1: identical payload, so no body after the HTTP headers
    revisit_http = (
        "HTTP/1.1 200 OK\r\nDate: Sun, 11 Feb 2024 16:40:00 GMT\r\nServer: nginx\r\n"
        "Content-Type: text/html; charset=utf-8\r\n" f"Content-Length: {len(html1)}\r\n"
        "Connection: close\r\n\r\n").encode("ascii")
    recs.append(record("revisit", "revisit:" + uri1, "2024-02-11T16:40:00Z", [
        f"WARC-Target-URI: {uri1}",
        "WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
        f"WARC-Refers-To: {rid('response:' + uri1 + '2024-02-11T10:15:00Z')}",
        f"WARC-Payload-Digest: {sha1_b32(html1)}",
        f"WARC-Warcinfo-ID: {wid}",
        "Content-Type: application/http; msgtype=response",
    ], revisit_http))
    recs.append(exchange(BASE + "/middle-east/2024/02/old-story", "2024-02-11T10:15:12Z",
                         "Sun, 11 Feb 2024 10:15:12 GMT", ERROR_PAGE, status="404 Not Found",
                         with_request=False, warcinfo_id=wid))
    return recs


SAMPLE_SITE = "Levant Ledger"
SAMPLE_BASE = "https://www.levant-ledger.example.org"

SAMPLE_PAGES = [
    (SAMPLE_BASE + "/iraq/2016/06/26/fallujah-fully-retaken", "Iraqi commander declares Falluja fully retaken from Islamic State",
     "2016-06-26T15:20:00Z", "Middle East", "By Ledger staff", [
        "The commander of the operation to recapture Falluja said on Sunday that Iraqi forces had taken full control of the city from Islamic State, more than a month after the offensive began and two and a half years after the militants first seized it.",
        "Counter Terrorism Service troops entered the last neighbourhood still held by the group, al-Julan in the north-west of the city, after days of fighting. Commanders said the militants had lost hundreds of fighters, while others tried to escape in convoys that were struck by Iraqi and coalition aircraft south-west of the city.",
        "Tens of thousands of civilians who fled during the battle were living in overcrowded camps in Amiriyat al-Fallujah and Habbaniyah, where aid agencies said they lacked shelter, water and food in the summer heat. Officials warned that explosives left in homes would delay returns to Falluja for months.",
    ]),
    (SAMPLE_BASE + "/syria/2016/08/24/turkey-backed-rebels-take-jarablus", "Turkey-backed rebels take Jarablus from Islamic State in cross-border push",
     "2016-08-24T18:05:00Z", "Middle East", "By Ledger staff", [
        "Syrian rebels backed by Turkish tanks, special forces and warplanes took the border town of Jarablus from Islamic State on Wednesday, hours after Turkey launched its first major ground operation inside Syria, named Euphrates Shield.",
        "Rebel commanders said the militants withdrew south towards al-Bab with little resistance. Turkish officials said the operation aimed to clear the group from the border and to stop Kurdish-led forces of the Syrian Democratic Forces, which had recently captured Manbij, from expanding west of the Euphrates.",
        "The US-led coalition provided air support for the advance. Washington's vice-president, visiting Ankara, said the Kurdish YPG must move back east of the river or risk losing American support.",
    ]),
]


def sample_records():
    name = "news-crawl.warc.gz"
    recs = [warcinfo(name, "2024-05-02T09:00:00Z", "sitrep sample crawl")]
    wid = rid("info:" + name)
    for i, p in enumerate(SAMPLE_PAGES):
        uri, html = p[0], page(SAMPLE_SITE, p[3], p[1], p[2], p[0], p[5], p[4])
        d = f"2024-05-02T09:00:{10 + i * 5:02d}Z"
        recs.append(exchange(uri, d, f"Thu, 02 May 2024 09:00:{10 + i * 5:02d} GMT", html, ip="192.0.2.90",
                             warcinfo_id=wid))
    return recs


def write_plain(path, recs):
    with open(path, "wb") as f:
        f.write(b"".join(recs))
    print(f"{os.path.basename(path)}: {os.path.getsize(path)} bytes, {len(recs)} record groups")


def split_records(blob):
    """Cut a concatenation of records back into single records (for gzip members)."""
    out, pos = [], 0
    while pos < len(blob):
        head_end = blob.index(b"\r\n\r\n", pos) + 4
        length = next(int(l.split(b":")[1]) for l in blob[pos:head_end].split(b"\r\n")
                      if l.lower().startswith(b"content-length:"))
        end = head_end + length + 4
        out.append(blob[pos:end])
        pos = end
    return out


def write_gz(path, recs):
    with open(path, "wb") as f:
        for r in split_records(b"".join(recs)):
            f.write(gzip.compress(r, compresslevel=9, mtime=0))
    print(f"{os.path.basename(path)}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sample":
        write_gz(os.path.join(sys.argv[2], "news-crawl.warc.gz"), sample_records())
    elif len(sys.argv) == 1:
        here = os.path.dirname(os.path.abspath(__file__))
        recs = test_records()
        write_plain(os.path.join(here, "crawl.warc"), recs)
        write_gz(os.path.join(here, "crawl.warc.gz"), recs)
    else:
        sys.exit(__doc__)

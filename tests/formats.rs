//! Every article format (issue 16): web pages, feeds, tables, mail, PDF,
//! web archives, compressed files. Each keeps the promises of the first
//! formats: indexed, found, shown, extracted, updated in place, deleted,
//! and bad files reported without stopping the run.

use std::io::Write;

use crate::util::*;

/// A news page as a big outlet serves it: navigation, scripts, a cookie
/// banner, share buttons, related stories and comments around the story.
fn html_page(word: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Gunmen storm hotel in Mogadishu | The Horn Courier</title>
<meta property="og:title" content="Gunmen storm hotel in Mogadishu">
<meta property="og:site_name" content="The Horn Courier">
<meta property="article:published_time" content="2022-08-20T06:30:00Z">
<link rel="canonical" href="https://horn-courier.example/2022/08/20/hotel-siege">
<script>window.dataLayer=window.dataLayer||[];googletag.cmd.push(function(){{}});</script>
<style>.nav{{display:flex}}</style></head>
<body><div class="cookie-consent">We use cookies. <button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>Gunmen storm hotel in Mogadishu</h1>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Al-Shabaab gunmen stormed the Hayat hotel in Mogadishu on Friday evening, setting off two car bombs at its gates before fighting their way inside, police said.</p>
<p>Security forces surrounded the building through the night, and officials said more than twenty people were killed before the siege ended on Saturday. Witnesses near the {word} kiosk across the road described hearing gunfire for hours.</p>
<p>The group, which is linked to al-Qaeda, said in a statement that its fighters had targeted officials who used the hotel for meetings. The government said it would review security at hotels across the capital.</p>
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Drought deepens in the south</a></li><li><a href="/b">Election talks resume</a></li></ul></aside>
<section class="comments"><h3>Comments</h3><p>Reader: terrible news, stay safe everyone in the city.</p></section>
</main><footer><a href="/privacy">Privacy</a> © The Horn Courier</footer>
<script>(function(){{var s=document.createElement('script');s.src='/ads.js';}})();</script>
</body></html>
"##
    )
}

fn rss_feed(first: &str, second: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Sahel Security Wire</title><link>https://wire.example/</link><description>Alerts</description>
<item><title>Gunmen kill villagers in Borno &amp; raid clinic</title>
<link>https://wire.example/2023/03/14/borno</link>
<guid isPermaLink="false">wire-2023-000123</guid>
<pubDate>Tue, 14 Mar 2023 09:30:00 +0000</pubDate>
<description><![CDATA[<p>Short teaser.</p>]]></description>
<content:encoded><![CDATA[<p>Boko Haram fighters killed at least nine villagers near Gwoza in Borno state on Monday night and looted a clinic, residents said.</p><p>The attackers arrived on motorcycles around the {first} market. Soldiers reached the village the next morning.</p><script>track('item')</script><div class="share">Share this</div>]]></content:encoded>
</item>
<item><title>Army says it repelled attack in Tillaberi</title>
<link>https://wire.example/2023/03/15/tillaberi</link>
<guid isPermaLink="false">wire-2023-000124</guid>
<pubDate>Wed, 15 Mar 2023 11:00:00 +0000</pubDate>
<description>Niger's army said it repelled an attack by Islamic State fighters on a post near the {second} wells in Tillaberi region, killing several assailants.</description>
</item>
</channel></rss>
"#
    )
}

fn csv_table(first: &str, second: &str) -> String {
    format!(
        "event_id_cnty,event_date,year,event_type,admin1,notes\n\
         SYR8801,2019-03-23,2019,Battles,Deir ez-Zor,\"The SDF declared the end of the Islamic State's last enclave at Baghuz, near the {first} groves, after weeks of fighting.\"\n\
         IRQ7702,2017-07-10,2017,Battles,Ninewa,\"Iraqi forces announced the recapture of Mosul's old city from ISIS, \"\"ending a nine-month battle\"\",\nofficials said; {second} traders returned within days.\"\n"
    )
}

fn eml(word: &str) -> String {
    format!(
        "From: Alert Service <alerts@example.org>\r\n\
         To: analyst@example.org\r\n\
         Subject: =?UTF-8?B?{}?=\r\n\
         Date: Sat, 11 Feb 2023 07:15:00 +0000\r\n\
         Message-ID: <alert-5531@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"sep\"\r\n\
         \r\n\
         --sep\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         \r\n\
         Taliban security forces said they had raided an Islamic State hideout in =\r\n\
         Kabul=E2=80=99s western district, near the {word} bazaar, killing four militants.\r\n\
         \r\n\
         --sep\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         \r\n\
         <html><body><p>Taliban security forces said they had raided an Islamic State hideout in Kabul.</p></body></html>\r\n\
         --sep--\r\n",
        base64("Kabul raid on IS hideout – four killed")
    )
}

fn mbox(first: &str, second: &str) -> String {
    format!(
        "From alerts@example.org Mon Jan  8 07:00:00 2024\n\
         From: Digest <alerts@example.org>\n\
         Subject: Houthis claim drone attack on ship in Red Sea\n\
         Date: Mon, 8 Jan 2024 07:00:00 +0000\n\
         Message-ID: <digest-1@example.org>\n\
         \n\
         Houthi forces said they had launched drones at a cargo ship off Hodeidah,\n\
         close to the {first} shoal, and the ship's crew reported no injuries.\n\
         >From the port, officials said traffic continued.\n\
         \n\
         From alerts@example.org Tue Jan  9 07:00:00 2024\n\
         From: Digest <alerts@example.org>\n\
         Subject: Clashes near Marib leave fighters dead\n\
         Date: Tue, 9 Jan 2024 07:00:00 +0000\n\
         Message-ID: <digest-2@example.org>\n\
         \n\
         Fighting between Houthi fighters and government forces south of Marib\n\
         killed at least a dozen combatants near the {second} dam, both sides said.\n"
    )
}

/// A one-page PDF with a text layer in Helvetica and a document
/// information dictionary.
fn pdf(title: &str, lines: &[&str], created: &str) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 14 TL 56 760 Td\n");
    for line in std::iter::once(&title).chain(lines) {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        format!("<< /Title ({title}) /CreationDate ({created}) >>"),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

fn pdf_report(word: &str) -> Vec<u8> {
    pdf(
        "Sudan: El Fasher situation report",
        &[
            "Fighting between the Rapid Support Forces and the Sudanese army",
            "continued around El Fasher in North Darfur this week. Shelling hit",
            "the Abu Shouk camp, and aid agencies said water trucks could not",
            &format!("reach the {word} quarter for a third day. Thousands of families"),
            "fled west towards Tawila, where shelters are already full.",
        ],
        "D:20240612090000Z",
    )
}

fn warc(word: &str) -> Vec<u8> {
    let page = format!(
        "<html><head><title>Drone strike hits Kharkiv apartment block - Kyiv Daily</title>\
         <meta property=\"article:published_time\" content=\"2024-05-18T10:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a><a href=\"/news\">News</a></nav><article>\
         <p>A Russian drone struck an apartment block in Kharkiv overnight, killing three people and wounding eleven, the regional governor said on Saturday.</p>\
         <p>Rescuers worked through the morning near the {word} square to reach residents trapped under rubble, and the city's mayor said power had been cut to several districts.</p>\
         <p>Ukraine's air force said it had shot down most of the drones launched overnight, but some got through to the city.</p>\
         </article><footer>Subscribe to our newsletter</footer></body></html>"
    );
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    );
    let mut out = Vec::new();
    let info = "software: test-crawler\r\n";
    out.extend(
        format!(
            "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Date: 2024-05-19T08:00:00Z\r\nContent-Length: {}\r\n\r\n{info}\r\n\r\n",
            info.len()
        )
        .into_bytes(),
    );
    out.extend(
        format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://kyiv-daily.example/2024/05/18/kharkiv\r\n\
             WARC-Date: 2024-05-19T08:00:01Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        )
        .into_bytes(),
    );
    let image = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n\u{FFFD}\u{FFFD}";
    out.extend(
        format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://kyiv-daily.example/photo.jpg\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{image}\r\n\r\n",
            image.len()
        )
        .into_bytes(),
    );
    out
}

fn base64(text: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// One file of each format, each with its own rare word per article.
fn write_all_formats(t: &TestDir, words: &Words) {
    t.write("web/hotel.html", html_page(words.html));
    t.write("feeds/wire.xml", rss_feed(words.feed.0, words.feed.1));
    t.write("tables/events.csv", csv_table(words.csv.0, words.csv.1));
    t.write("mail/alert.eml", eml(words.eml));
    t.write("mail/digest.mbox", mbox(words.mbox.0, words.mbox.1));
    t.write("reports/el-fasher.pdf", pdf_report(words.pdf));
    t.write("archives/crawl.warc", warc(words.warc));
}

struct Words {
    html: &'static str,
    feed: (&'static str, &'static str),
    csv: (&'static str, &'static str),
    eml: &'static str,
    mbox: (&'static str, &'static str),
    pdf: &'static str,
    warc: &'static str,
}

const FIRST: Words = Words {
    html: "lighthouse",
    feed: ("cormorant", "pelican"),
    csv: ("tamarind", "sorghum"),
    eml: "apricot",
    mbox: ("quince", "medlar"),
    pdf: "juniper",
    warc: "heron",
};

const SECOND: Words = Words {
    html: "windmill",
    feed: ("albatross", "pelican"),
    csv: ("cardamom", "sorghum"),
    eml: "persimmon",
    mbox: ("loquat", "medlar"),
    pdf: "cypress",
    warc: "egret",
};

/// The ids and titles of the hits for `word`.
fn hits(t: &TestDir, word: &str) -> Vec<(String, String)> {
    let out = t.run(&["search", word, "--json"]);
    json_lines(&out)
        .iter()
        .filter(|v| v["type"] == "hit")
        .map(|v| {
            (
                v["data"]["id"].as_str().unwrap_or_default().to_owned(),
                v["data"]["title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_format_is_indexed_found_and_shown() {
    let t = TestDir::new();
    write_all_formats(&t, &FIRST);
    let out = t.index();
    let err = stderr(&out);
    assert!(err.contains("10 added"), "{err}");

    let expected = [
        (
            "lighthouse",
            "web/hotel.html",
            "Gunmen storm hotel in Mogadishu",
        ),
        (
            "cormorant",
            "wire-2023-000123",
            "Gunmen kill villagers in Borno & raid clinic",
        ),
        (
            "pelican",
            "wire-2023-000124",
            "Army says it repelled attack in Tillaberi",
        ),
        ("tamarind", "SYR8801", "Battles in Deir ez-Zor"),
        ("sorghum", "IRQ7702", "Battles in Ninewa"),
        (
            "apricot",
            "mail/alert.eml",
            "Kabul raid on IS hideout – four killed",
        ),
        (
            "quince",
            "digest-1@example.org",
            "Houthis claim drone attack on ship in Red Sea",
        ),
        (
            "medlar",
            "digest-2@example.org",
            "Clashes near Marib leave fighters dead",
        ),
        (
            "juniper",
            "reports/el-fasher.pdf",
            "Sudan: El Fasher situation report",
        ),
        (
            "heron",
            "https://kyiv-daily.example/2024/05/18/kharkiv",
            "Drone strike hits Kharkiv apartment block",
        ),
    ];
    for (word, id, title) in expected {
        let found = hits(&t, word);
        assert_eq!(found.len(), 1, "{word}: {found:?}");
        assert_eq!(found[0].0, id, "{word}");
        assert!(found[0].1.starts_with(title), "{word}: {found:?}");
    }

    // Dates, places and actors come out of each format.
    let out = t.run(&["search", "juniper", "--json"]);
    let hit = &json_lines(&out)[0]["data"];
    assert_eq!(hit["date"], "2024-06-12", "{hit}");
    let out = t.run(&["search", "medlar", "--json"]);
    let hit = &json_lines(&out)[0]["data"];
    assert_eq!(hit["date"], "2024-01-09", "{hit}");
    let out = t.run(&["search", "--province", "Marib", "--json"]);
    assert!(hit_ids(&out).contains(&"digest-2@example.org".to_owned()));
    let out = t.run(&["search", "--actor", "al-Shabaab", "--json"]);
    assert_eq!(hit_ids(&out), ["web/hotel.html"]);
    let out = t.run(&["search", "heron", "--json"]);
    assert_eq!(json_lines(&out)[0]["data"]["date"], "2024-05-18");

    // Boilerplate never reaches the index.
    for noise in [
        "googletag",
        "cookies",
        "Subscribe",
        "Tweet",
        "Reader",
        "track",
        "Unsubscribe",
    ] {
        let out = t.run(&["search", noise]);
        assert_eq!(code(&out), 1, "{noise} was indexed: {}", stdout(&out));
    }

    // `show` opens a record of a many-article file by file#id.
    let out = t.run(&["search", "quince"]);
    let text = stdout(&out);
    assert!(text.contains("digest.mbox#digest-1@example.org"), "{text}");
    let out = t.run(&["show", "corpus/mail/digest.mbox#digest-1@example.org"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Houthi forces said they had launched drones"),
        "{shown}"
    );
    assert!(
        shown.contains("From the port"),
        "the escaped >From line: {shown}"
    );
    let out = t.run(&["show", "corpus/reports/el-fasher.pdf"]);
    assert!(stdout(&out).contains("Abu Shouk camp"), "{}", stdout(&out));
}

#[test]
fn extract_reads_every_format() {
    let t = TestDir::new();
    write_all_formats(&t, &FIRST);
    let out = t.run(&["extract", "corpus", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let articles = json_lines(&out);
    assert_eq!(articles.len(), 10, "{}", stdout(&out));
    let by_id = |id: &str| {
        articles
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {articles:?}"))
            .clone()
    };
    let hotel = by_id("web/hotel.html");
    assert!(
        hotel["provinces"].to_string().contains("Banadir"),
        "{hotel}"
    );
    let raid = by_id("wire-2023-000123");
    assert!(raid["provinces"].to_string().contains("Borno"), "{raid}");
    let row = by_id("IRQ7702");
    assert!(row["provinces"].to_string().contains("Nineveh"), "{row}");
    let report = by_id("reports/el-fasher.pdf");
    assert!(
        report["provinces"].to_string().contains("North Darfur"),
        "{report}"
    );
}

#[test]
fn each_format_is_updated_in_place_and_removed() {
    let t = TestDir::new();
    write_all_formats(&t, &FIRST);
    t.index();

    // Every file changes one article; the others keep their ids.
    write_all_formats(&t, &SECOND);
    let out = t.index();
    let err = stderr(&out);
    assert!(err.contains("0 added"), "{err}");
    for (old, new) in [
        ("lighthouse", "windmill"),
        ("cormorant", "albatross"),
        ("tamarind", "cardamom"),
        ("apricot", "persimmon"),
        ("quince", "loquat"),
        ("juniper", "cypress"),
        ("heron", "egret"),
    ] {
        assert!(hits(&t, old).is_empty(), "{old} is still found");
        assert_eq!(hits(&t, new).len(), 1, "{new}");
    }
    // Unchanged records are still there, once.
    for word in ["pelican", "sorghum", "medlar"] {
        assert_eq!(hits(&t, word).len(), 1, "{word}");
    }
    let out = t.run(&["stats", "--json"]);
    assert!(stdout(&out).contains("\"articles\":10"), "{}", stdout(&out));

    // A run with nothing changed reads nothing.
    let out = t.index();
    assert!(stderr(&out).contains("10 unchanged"), "{}", stderr(&out));

    for rel in [
        "web/hotel.html",
        "feeds/wire.xml",
        "tables/events.csv",
        "mail/alert.eml",
        "mail/digest.mbox",
        "reports/el-fasher.pdf",
        "archives/crawl.warc",
    ] {
        std::fs::remove_file(t.corpus().join(rel)).expect("remove");
    }
    let out = t.index();
    assert!(stderr(&out).contains("10 removed"), "{}", stderr(&out));
    assert!(hits(&t, "pelican").is_empty());
}

#[test]
fn a_refetched_feed_updates_its_items_instead_of_duplicating_them() {
    let t = TestDir::new();
    t.write("wire.rss", rss_feed("cormorant", "pelican"));
    t.index();
    // The feed fetched again a day later: a new item on top, the others
    // as they were.
    let newer = rss_feed("cormorant", "pelican").replacen(
        "<item>",
        "<item><title>Curfew declared in Maiduguri</title><link>https://wire.example/2023/03/16/curfew</link>\
         <description>Authorities in Borno declared a dusk-to-dawn curfew in Maiduguri after the attack near the wagtail bridge.</description></item>\n<item>",
        1,
    );
    t.write("wire.rss", newer);
    let out = t.index();
    // The file is read again whole; its items keep their ids.
    assert!(
        stderr(&out).contains("3 articles in the index"),
        "{}",
        stderr(&out)
    );
    assert_eq!(hits(&t, "cormorant").len(), 1);
    assert_eq!(
        hits(&t, "wagtail")[0].0,
        "https://wire.example/2023/03/16/curfew",
        "an item without guid is known by its link"
    );
}

#[test]
fn compressed_files_are_read_like_plain_ones() {
    let t = TestDir::new();
    t.write(
        "web/hotel.html.gz",
        gzip(html_page("lighthouse").as_bytes()),
    );
    t.write(
        "feeds/wire.xml.zst",
        zstd::encode_all(rss_feed("cormorant", "pelican").as_bytes(), 3).expect("zstd"),
    );
    t.write("archives/crawl.warc.gz", {
        // As crawlers write them: each record its own gzip member.
        let records = warc("heron");
        let text = String::from_utf8_lossy(&records).into_owned();
        let mut out = Vec::new();
        for record in text.split_inclusive("\r\n\r\nWARC/") {
            out.extend(gzip(record.as_bytes()));
        }
        out
    });
    t.write("reports/el-fasher.pdf.gz", gzip(&pdf_report("juniper")));
    t.write(
        "2021-03-04-note.txt.gz",
        gzip(b"Ambush near Kidal\nJNIM fighters ambushed a convoy near Kidal, in northern Mali.\n"),
    );
    t.index();
    for word in ["lighthouse", "cormorant", "heron", "juniper", "Kidal"] {
        assert_eq!(hits(&t, word).len(), 1, "{word}");
    }
    let out = t.run(&["search", "Kidal", "--json"]);
    assert_eq!(json_lines(&out)[0]["data"]["date"], "2021-03-04");
}

#[test]
fn bad_files_of_every_format_are_reported_and_the_rest_indexed() {
    let t = TestDir::new();
    t.write("good.txt", "Good article\nA good article about Kirkuk.\n");
    // Cut in the middle, as a download that failed.
    let cut = |bytes: &[u8]| bytes[..bytes.len() / 2].to_vec();
    t.write("cut/page.html", cut(html_page("lighthouse").as_bytes()));
    t.write("cut/wire.xml", cut(rss_feed("a", "b").as_bytes()));
    t.write("cut/events.csv", cut(csv_table("a", "b").as_bytes()));
    t.write("cut/alert.eml", cut(eml("a").as_bytes()));
    t.write("cut/digest.mbox", cut(mbox("a", "b").as_bytes()));
    t.write("cut/report.pdf", cut(&pdf_report("a")));
    t.write("cut/crawl.warc", cut(&warc("a")));
    t.write("cut/page.html.gz", cut(&gzip(html_page("a").as_bytes())));
    // Binary bytes under every name.
    let noise: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for ext in [
        "html", "xml", "csv", "tsv", "eml", "mbox", "pdf", "warc", "txt.gz", "md.zst",
    ] {
        t.write(&format!("noise/file.{ext}"), &noise);
    }
    // A decompression bomb: 70 MB of zeros in a few kilobytes.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b'a'; 1 << 20];
    for _ in 0..70 {
        bomb.write_all(&zeros).expect("gzip");
    }
    t.write("bomb.txt.gz", bomb.finish().expect("gzip"));
    // Wrong encoding: a Windows-1252 page that says nothing of it.
    t.write(
        "latin.html",
        b"<html><body><article><p>M\xe9decins Sans Fronti\xe8res said its clinic in Kunduz was hit by an air strike that killed staff and patients, and it called for an independent inquiry into the attack.</p><p>The \x93deliberate\x94 strike destroyed the main building, the group said, and its teams left the city.</p></article></body></html>",
    );

    let out = t.run(&["index", "corpus"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for name in [
        "cut/report.pdf",
        "cut/crawl.warc",
        "cut/page.html.gz",
        "noise/file.pdf",
        "noise/file.warc",
        "noise/file.html",
        "noise/file.txt.gz",
        "noise/file.md.zst",
        "bomb.txt.gz",
    ] {
        assert!(err.contains(name), "{name} not reported: {err}");
    }
    assert!(err.contains("too large"), "{err}");
    assert!(err.contains("Windows-1252"), "{err}");
    // The good article and the readable part of the Windows-1252 page.
    assert_eq!(hits(&t, "Kirkuk").len(), 1);
    let found = hits(&t, "Médecins");
    assert_eq!(found.len(), 1, "{found:?}");
    let out = t.run(&["search", "deliberate"]);
    assert!(
        stdout(&out).contains("“deliberate”") || code(&out) == 0,
        "{}",
        stdout(&out)
    );
}

#[test]
fn xml_that_is_not_a_feed_is_passed_over_and_listed_with_verbose() {
    let t = TestDir::new();
    t.write("good.txt", "Good article\nA good article about Kirkuk.\n");
    t.write(
        "sitemap.xml",
        "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://a.example/</loc></url></urlset>\n",
    );
    let out = t.run(&["index", "corpus", "-v"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("sitemap.xml") && err.contains("not an RSS or Atom feed"),
        "{err}"
    );
}

#[test]
fn table_columns_are_chosen_recorded_and_changed() {
    let t = TestDir::new();
    t.write(
        "events.tsv",
        "Ref\tWhen\tHeadline_EN\tLede\tComment\n\
         SO-0041\t2019-12-28\tTruck bomb at Mogadishu checkpoint\tA truck bomb exploded at the Ex-Control checkpoint in Mogadishu, killing scores.\tSee also the kestrel note\n",
    );
    // No column is called text, body or notes: the table is reported.
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--columns text="), "{}", stderr(&out));

    let out = t.run(&[
        "index",
        "corpus",
        "--columns",
        "id=Ref,date=When,title=Headline_EN,text=Lede",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        hits(&t, "checkpoint"),
        [(
            "SO-0041".to_owned(),
            "Truck bomb at Mogadishu checkpoint".to_owned()
        )]
    );
    // Later runs keep the recorded columns.
    let out = t.index();
    assert!(stderr(&out).contains("1 unchanged"), "{}", stderr(&out));
    // Other columns read the (unchanged) table again.
    let out = t.run(&["index", "corpus", "--columns", "id=Ref,text=Comment"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(hits(&t, "kestrel").len(), 1);
    assert!(hits(&t, "scores").is_empty());

    let out = t.run(&["index", "corpus", "--columns", "body=Lede"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown role"), "{}", stderr(&out));
}

/// One article of the realistic fixtures under `tests/formats/` (see
/// `tests/formats/EXPECTED.md`): its id, the start of its title, its date,
/// phrases its text must hold and boilerplate it must not.
struct Expected {
    id: &'static str,
    title: &'static str,
    date: Option<&'static str>,
    must: &'static [&'static str],
    must_not: &'static [&'static str],
}

const FIXTURES: &[Expected] = &[
    Expected { id: "html/news-site.html", title: "Islamic State's last enclave at Baghuz falls to SDF fighters", date: Some("2019-03-23"),
        must: &["Baghuz is free and the military victory against Daesh is complete", "Deir ez-Zor province", "al-Hol camp in Hasakah province"],
        must_not: &["Share on Facebook", "Related stories", "googletag", "cookies", "Sign up for our newsletter", "riverbank_reader", "Read more:", "window.dataLayer", "All rights reserved"] },
    Expected { id: "html/windows-1252.html", title: "Ramadi falls to Islamic State as Iraqi forces pull out of Anbar capital", date: Some("2015-05-17"),
        must: &["Médecins Sans Frontières", "Iraq’s western Anbar province", "“We will not allow Ramadi to become another Mosul,”"],
        must_not: &["Printer-friendly version", "Top Stories", "openWin", "Ã©", "â€™", "\u{FFFD}", "Terms of use"] },
    Expected { id: "html/h1-and-dateline.html", title: "Abadi declares victory over Islamic State in Mosul", date: Some("2017-07-10"),
        must: &["Counter Terrorism Service", "Old City on the west bank of the Tigris", "Tal Afar and Hawija"],
        must_not: &["E-mail this story", "Print |", "<br>"] },
    Expected { id: "html/meta-charset-latin.html", title: "Gunmen storm Splendid Hôtel and café in Ouagadougou, killing 29", date: Some("2016-01-16"),
        must: &["Burkinabè and French special forces", "Al-Qaeda in the Islamic Maghreb"],
        must_not: &["À propos", "Sahel Dispatch", "Contact"] },
    Expected { id: "html/bom-utf8.html", title: "Iraqi forces retake centre of Tal Afar in swift offensive", date: Some("2017-08-27"),
        must: &["الموصل", "Popular Mobilization Forces", "Saad and Qadisiya neighbourhoods"],
        must_not: &["\u{FEFF}", "Tigris Monitor"] },
    Expected { id: "html/og-url.html", title: "Boko Haram fighters kill dozens of rice farmers near Zabarmari", date: Some("2020-11-29"),
        must: &["Koshobe", "Civilian Joint Task Force", "Jere area"],
        must_not: &["Donate today", "Independent reporting from the Lake Chad basin", "Privacy"] },
    Expected { id: "wire-2023-000123", title: "Taliban governor of Balkh killed in Mazar-i-Sharif suicide blast claimed by IS-K", date: Some("2023-03-09"),
        must: &["Mohammad Dawood Muzammil", "Islamic State Khorasan Province", "governor of Nangarhar"],
        must_not: &["Share this", "fwPlayer", "WhatsApp"] },
    Expected { id: "wire-2023-000412", title: "Gunmen & suicide bomber storm Mogadishu beach hotel in al-Shabaab’s latest attack", date: Some("2023-06-10"),
        must: &["Pearl Beach hotel", "Haramcad", "Hirshabelle and Galmudug"],
        must_not: &["Share this", "fwPlayer", "&amp;"] },
    Expected { id: "tag:eastfront.example.org,2022-04-08:/kramatorsk-station-strike", title: "Missile strike on Kramatorsk railway station kills dozens of evacuees", date: Some("2022-04-08"),
        must: &["Tochka-U", "“for the children”", "Donetsk region"],
        must_not: &["Share:", "&lt;p&gt;", "<p>"] },
    Expected { id: "tag:eastfront.example.org,2021-02-15:/marib-offensive", title: "Houthis renew push on Marib & its oil fields", date: Some("2021-02-15"),
        must: &["Sirwah", "about a million displaced people", "Saudi-led coalition"],
        must_not: &["&amp;", "Field notes on the wars"] },
    Expected { id: "https://kabulnotes.example.org/2015/09/kunduz-overrun", title: "Taliban fighters overrun Kunduz city in biggest gain since 2001", date: None,
        must: &["first provincial capital", "Mazar-i-Sharif", "door to door"],
        must_not: &["Short items from Afghanistan", "pubDate"] },
    Expected { id: "https://mopti-bulletin.example.org/2019/03/ogossagou", title: "Gunmen kill about 160 Fulani villagers in Ogossagou", date: Some("2019-03-24"),
        must: &["Mali’s Mopti region", "“They came from three sides and nobody could run,”", "Dan Na Ambassagou"],
        must_not: &["â€™", "\u{FFFD}", "Mopti Regional Bulletin"] },
    Expected { id: "SYR20877", title: "", date: Some("2021-03-21"),
        must: &["Al Atarib", "UN \"deconfliction\" mechanism", "medical staff"],
        must_not: &["\"\"", "Solhan", "event_id_cnty"] },
    Expected { id: "NGA8842", title: "", date: Some("2021-04-13"),
        must: &["ISWAP fighters entered Damasak", "Around 65,000 residents", "towards Maiduguri"],
        must_not: &["Solhan", "2021,Battles"] },
    Expected { id: "SO-0042", title: "Al-Shabaab siege of Kismayo hotel leaves 26 dead", date: Some("2019-07-12"),
        must: &["Asasey hotel", "Jubaland forces", "about 14 hours"],
        must_not: &["Headline_EN", "Lower Juba"] },
    Expected { id: "ye-2018-061", title: "Saudi-led coalition begins assault on Hodeidah", date: Some("2018-06-13"),
        must: &["Red Sea port of Hodeidah", "al-Durayhimi", "hit a coalition vessel"],
        must_not: &["\r", "\u{FEFF}", "Headline,Body"] },
    Expected { id: "mail/alert.eml", title: "Houthi missile kills three seafarers off Aden – first deaths in Red Sea campaign", date: Some("2024-03-06"),
        must: &["Yemen’s Houthis", "True Confidence", "Indian navy warship"],
        must_not: &["Unsubscribe", "Manage your alerts", "You are receiving this alert", "=E2=80", "12 Example Street", "open.gif"] },
    Expected { id: "mail/html-only.eml", title: "Baloch separatists hijack Jaffar Express in Bolan Pass", date: Some("2025-03-12"),
        must: &["Baloch Liberation Army", "Quetta to Peshawar", "Balochistan province"],
        must_not: &["View in browser", "Unsubscribe", "Forwarded this email?", "100 Example Road", "Update preferences"] },
    Expected { id: "digest-2024-01-04-kerman@example.org", title: "Islamic State claims twin bombings at Soleimani memorial in Kerman", date: Some("2024-01-04"),
        must: &["at least 95 people", "explosive belts", "From Tehran, officials first blamed"],
        must_not: &["From sender@example.org", "Regional Desk"] },
    Expected { id: "digest-2024-01-08-plateau@example.org", title: "Death toll from Plateau Christmas Eve attacks nears 200", date: Some("2024-01-08"),
        must: &["Bokkos and Barkin Ladi", "Plateau state", "attached as a PDF"],
        must_not: &["JVBERi0", "%PDF-1.4", "==mix_b2f0"] },
    Expected { id: "pdf/two-column-report.pdf", title: "Situation Report 37: North-East Syria – security operation in al-Hol camp", date: Some("2022-09-15"),
        must: &["Sinaa prison in Hasakah city", "(water trucking continued)", "al-Jadah rehabilitation centre south of Mosul"],
        must_not: &["(SDF) and Context.", "the Asayish internal security forces ended the Al-Hol"] },
    Expected { id: "pdf/no-metadata.pdf", title: "Security note: al-Shabaab seizes UN-contracted helicopter in Galmudug", date: Some("2024-01-12"),
        must: &["Hindheere", "Beledweyne", "Mudug and Galgaduud regions"],
        must_not: &["Helvetica", "FlateDecode", "endstream"] },
    Expected { id: "https://www.frontier-post.example.com/africa/2024/02/11/uae-soldiers-killed-mogadishu-base", title: "Four UAE soldiers and Bahraini officer killed in attack at Mogadishu base", date: Some("2024-02-11"),
        must: &["Mogadishu"],
        must_not: &["Transfer-Encoding", "WARC-"] },
];

#[test]
fn realistic_documents_of_every_format_read_as_their_readers_see_them() {
    let t = TestDir::new();
    for folder in ["html", "feeds", "csv", "mail", "pdf", "warc"] {
        for entry in std::fs::read_dir(repo("tests/formats").join(folder)).expect("fixtures") {
            let path = entry.expect("entry").path();
            // The generators beside the fixtures are not articles; the
            // compressed archive repeats the plain one (ids would clash).
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".py") || name == "crawl.warc.gz" {
                continue;
            }
            t.write(
                &format!("{folder}/{name}"),
                std::fs::read(&path).expect("read"),
            );
        }
    }
    let out = t.run(&[
        "index",
        "corpus",
        "-v",
        "--columns",
        "id=Ref,date=When,title=Headline_EN,text=Summary",
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    // What must be reported, with the line where there is one.
    for reported in [
        "html/index-page.html: no article text found",
        "csv/acled-style.csv:8: the row has 18 fields, the header 12",
        "csv/acled-style.csv:11: the text column \"notes\" is empty",
        "pdf/scanned.pdf: no text layer",
    ] {
        assert!(err.contains(reported), "{reported} not reported: {err}");
    }
    assert!(
        err.contains("rdf-or-sitemap.xml") && err.contains("not an RSS or Atom feed"),
        "{err}"
    );
    assert!(err.contains("40 articles in the index"), "{err}");

    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in FIXTURES {
        let out = t.run(&["show", expected.id, "--json"]);
        assert_eq!(code(&out), 0, "{}: {}", expected.id, stderr(&out));
        let article: serde_json::Value =
            serde_json::from_str(stdout(&out).trim()).expect("show JSON");
        let title = article["title"].as_str().unwrap_or_default();
        assert!(
            title.starts_with(expected.title),
            "{}: title {title:?}",
            expected.id
        );
        assert_eq!(article["date"].as_str(), expected.date, "{}", expected.id);
        let body = article["body"].as_str().unwrap_or_default();
        let flat = collapse(body);
        for phrase in expected.must {
            assert!(
                flat.contains(&collapse(phrase)),
                "{}: no {phrase:?} in {body}",
                expected.id
            );
        }
        for phrase in expected.must_not {
            assert!(
                !body.contains(phrase) && !title.contains(phrase),
                "{}: {phrase:?} in {body}",
                expected.id
            );
        }
    }
    // The left column of the report is read before the right one.
    let out = t.run(&["show", "pdf/two-column-report.pdf", "--json"]);
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("show JSON");
    let report = collapse(report["body"].as_str().unwrap_or_default());
    let left = report
        .find("Most clinics reopened on 5 September.")
        .expect("left column");
    let right = report
        .find("Al-Hol holds about 54,000 people")
        .expect("right column");
    assert!(left < right);
}

#!/usr/bin/env python3
"""Writes the mail fixtures in this folder (Python 3 standard library only).

    python3 make_mail.py                 # alert.eml, html-only.eml, digest.mbox here
    python3 make_mail.py --sample DIR    # security-alert.eml, weekly-digest.mbox in DIR

Every message is put together by hand, the way mail clients and list servers
lay it out, so the encodings (RFC 2047 subjects, quoted-printable with soft
line breaks, base64 bodies, mbox ">From " escaping) are exactly as written.
"""
import base64
import os
import quopri
import sys

CRLF = "\n"  # mail on disk (mbox, saved .eml) is usually stored with LF


def b_subject(text):
    """RFC 2047 encoded-words, base64 ("B") form, folded the way mail
    libraries do it: each encoded word at most 75 characters, split on
    character boundaries, continuation lines starting with a space."""
    words, chunk = [], ""
    for ch in text:
        if len((chunk + ch).encode("utf-8")) > 39:  # 39 bytes -> 52 base64 chars
            words.append(chunk)
            chunk = ""
        chunk += ch
    words.append(chunk)
    return "\n ".join(
        "=?UTF-8?B?" + base64.b64encode(w.encode("utf-8")).decode("ascii") + "?=" for w in words
    )


def qp(text):
    """Quoted-printable body with soft line breaks at 76 characters."""
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def b64_lines(data):
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    print(f"{os.path.basename(path)}: {os.path.getsize(path)} bytes")


# --------------------------------------------------------------------------
# Test fixtures
# --------------------------------------------------------------------------

ALERT_SUBJECT = "Houthi missile kills three seafarers off Aden \u2013 first deaths in Red Sea campaign"

ALERT_TEXT = """CONFLICT ALERTS | Yemen | Maritime

Houthi missile kills three seafarers off Aden \u2013 first deaths in Red Sea campaign

A missile fired by Yemen\u2019s Houthis struck the Barbados-flagged bulk carrier True Confidence in the Gulf of Aden on Wednesday, killing three members of its crew and injuring at least four others, the US military said. It was the first time the group\u2019s attacks on merchant shipping had caused deaths.

The ship was about 50 nautical miles south-west of Aden when it was hit and caught fire. The crew abandoned the vessel and were picked up by an Indian navy warship, which took the wounded to Djibouti.

A Houthi military spokesman said the group had targeted the ship with naval missiles, describing it as American-owned, a claim the vessel\u2019s managers denied. The Houthis have attacked dozens of ships since November, saying they are acting in support of Palestinians in Gaza, and US and British forces have struck sites in Hodeidah and Sanaa in response.

--
You are receiving this alert because you follow: Yemen, Red Sea.
Manage your alerts: https://alerts.example.org/prefs?u=7731
Unsubscribe: https://alerts.example.org/u/7731
"""

ALERT_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Conflict Alerts</title>
<style>body{font-family:Arial,sans-serif} .foot{color:#888;font-size:11px}</style></head>
<body>
<table width="600" align="center"><tr><td>
<div class="banner">CONFLICT ALERTS | Yemen | Maritime</div>
<h1>Houthi missile kills three seafarers off Aden \u2013 first deaths in Red Sea campaign</h1>
<p>A missile fired by Yemen\u2019s Houthis struck the Barbados-flagged bulk carrier <em>True Confidence</em> in the Gulf of Aden on Wednesday, killing three members of its crew and injuring at least four others, the US military said. It was the first time the group\u2019s attacks on merchant shipping had caused deaths.</p>
<p>The ship was about 50 nautical miles south-west of Aden when it was hit and caught fire. The crew abandoned the vessel and were picked up by an Indian navy warship, which took the wounded to Djibouti.</p>
<p>A Houthi military spokesman said the group had targeted the ship with naval missiles, describing it as American-owned, a claim the vessel\u2019s managers denied. The Houthis have attacked dozens of ships since November, saying they are acting in support of Palestinians in Gaza, and US and British forces have struck sites in Hodeidah and Sanaa in response.</p>
<p class="foot">You are receiving this alert because you follow: Yemen, Red Sea.<br>
<a href="https://alerts.example.org/prefs?u=7731">Manage your alerts</a> | <a href="https://alerts.example.org/u/7731">Unsubscribe</a><br>
Conflict Alerts, 12 Example Street, London</p>
</td></tr></table>
<img src="https://alerts.example.org/open.gif?u=7731" width="1" height="1" alt="">
</body></html>
"""


def alert_eml():
    b = "==alt_7c1d2e9f"
    return (
        "Return-Path: <bounce-7731@alerts.example.org>\n"
        "Received: from mx.alerts.example.org (mx.alerts.example.org [192.0.2.25])\n"
        "\tby mail.example.com with ESMTPS id 4f1c2a; Wed, 06 Mar 2024 21:14:09 +0000\n"
        "From: Conflict Alerts <alerts@alerts.example.org>\n"
        "To: analyst@example.com\n"
        f"Subject: {b_subject(ALERT_SUBJECT)}\n"
        "Date: Wed, 06 Mar 2024 21:14:07 +0000\n"
        "Message-ID: <20240306211407.4f1c2a@alerts.example.org>\n"
        "List-Unsubscribe: <https://alerts.example.org/u/7731>\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: multipart/alternative; boundary=\"{b}\"\n"
        "\n"
        "This is a multi-part message in MIME format.\n"
        "\n"
        f"--{b}\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        f"{qp(ALERT_TEXT)}"
        f"--{b}\n"
        "Content-Type: text/html; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        f"{qp(ALERT_HTML)}"
        f"--{b}--\n"
    )


NEWSLETTER_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>South Asia Security Brief</title></head>
<body style="margin:0;background:#f4f4f4">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="640" cellpadding="0" cellspacing="0" style="background:#fff">
<tr><td style="font-size:11px;color:#777;text-align:right"><a href="https://brief.example.net/v/2025-03-12">View in browser</a></td></tr>
<tr><td style="background:#14324f;color:#fff;padding:18px;font-size:22px">SOUTH ASIA SECURITY BRIEF &middot; Issue 211 &middot; 12 March 2025</td></tr>
<tr><td style="padding:20px">
<h1 style="font-size:20px">Baloch separatists hijack Jaffar Express in Bolan Pass</h1>
<p>Fighters of the Baloch Liberation Army blew up a section of track and seized the Jaffar Express in the Bolan Pass on Tuesday, taking hundreds of passengers hostage on a train travelling from Quetta to Peshawar, Pakistani officials said.</p>
<p>The train, carrying about 440 passengers, was stopped near a tunnel in a remote, mountainous stretch of Balochistan province. The attackers separated off-duty soldiers and police from the other passengers and demanded the release of Baloch prisoners held by the state.</p>
<p>Security forces launched a rescue operation that lasted into Wednesday. The army said all of the attackers, 33 in number, had been killed and that 21 hostages had died, along with several members of the security forces. Survivors who walked for hours to the nearest station described being held at gunpoint overnight beside the track.</p>
<p>The BLA, which the government says is supported from across the border in Afghanistan, has stepped up attacks on security forces, Chinese-funded projects and travellers from other provinces over the past year. Kabul denied the accusation.</p>
</td></tr>
<tr><td style="padding:20px;background:#eef3f7">
<p><strong>Forwarded this email?</strong> <a href="https://brief.example.net/subscribe">Subscribe here</a> to get the brief every Wednesday.</p>
</td></tr>
<tr><td style="padding:16px;font-size:11px;color:#888">
You are receiving this email because you signed up for the South Asia Security Brief.<br>
<a href="https://brief.example.net/unsubscribe?id=55af">Unsubscribe</a> &middot; <a href="https://brief.example.net/preferences">Update preferences</a><br>
South Asia Security Brief, 4th Floor, 100 Example Road, Singapore 000000
</td></tr>
</table>
</td></tr></table>
</body></html>
"""


def html_only_eml():
    return (
        "From: South Asia Security Brief <newsletter@brief.example.net>\n"
        "To: desk@example.com\n"
        "Subject: Baloch separatists hijack Jaffar Express in Bolan Pass\n"
        "Date: Wed, 12 Mar 2025 06:30:00 +0500\n"
        "Message-ID: <issue-211.55af@brief.example.net>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/html; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{b64_lines(NEWSLETTER_HTML.encode('utf-8'))}"
    )


FROM_LINE = "From sender@example.org Mon Jan  8 07:00:00 2024"

DIGEST_1 = """Two explosions ripped through a crowd gathered near the tomb of Qassem Soleimani in the Iranian city of Kerman on Wednesday, the fourth anniversary of his killing, leaving at least 95 people dead and scores wounded, Iranian officials said.

The blasts, about 15 minutes apart, struck people walking along the road to the cemetery. Islamic State said on Thursday that two of its members wearing explosive belts had carried out the bombings, the deadliest attack in Iran since the 1979 revolution.

>From Tehran, officials first blamed Israel and the United States, before the claim was published. Washington said it had warned Iran privately about a threat in the days before the attack.
"""

DIGEST_2 = """A US drone strike hit a vehicle inside the Baghdad headquarters of Harakat al-Nujaba on Palestine Street on Thursday, killing Mushtaq Jawad Kazim al-Jawari, known as Abu Taqwa, a senior commander of the group, and another member, Iraqi security officials said.

The Pentagon said the commander had been involved in planning and carrying out attacks on American personnel in Iraq and Syria. Harakat al-Nujaba is part of the Popular Mobilization Forces, the state-sanctioned umbrella of mostly Shia armed groups.

The office of Prime Minister Mohammed Shia al-Sudani condemned the strike as an attack on Iraqi sovereignty and said the government was moving to end the presence of the US-led coalition in the country.
"""

DIGEST_3 = """Gunmen attacked more than 20 villages in the Bokkos and Barkin Ladi areas of Plateau state over the Christmas Eve weekend, killing close to 200 people, according to local officials who gave updated tolls this week.

Residents said the attackers arrived in the evening, shooting people and burning homes, and that security forces did not arrive for hours. The state governor described the attacks as "barbaric" and ordered a curfew in parts of Bokkos.

The weekly Sahel and Lake Chad security brief is attached as a PDF.
"""

PDF_STUB = b"%PDF-1.4\n% attachment stub, not a real report\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def digest_mbox():
    mixed = "==mix_b2f0"
    msgs = []
    msgs.append(
        f"{FROM_LINE}\n"
        "From: Regional Desk <desk@example.org>\n"
        "To: digest@example.org\n"
        "Subject: Islamic State claims twin bombings at Soleimani memorial in Kerman\n"
        "Date: Thu, 04 Jan 2024 18:20:00 +0000\n"
        "Message-ID: <digest-2024-01-04-kerman@example.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        f"{DIGEST_1}\n"
    )
    msgs.append(
        f"{FROM_LINE}\n"
        "From: Regional Desk <desk@example.org>\n"
        "To: digest@example.org\n"
        "Subject: US strike in Baghdad kills Nujaba commander\n"
        "Date: Thu, 04 Jan 2024 21:05:00 +0000\n"
        "Message-ID: <digest-2024-01-04-baghdad@example.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "\n"
        f"{DIGEST_2}\n"
    )
    msgs.append(
        f"{FROM_LINE}\n"
        "From: Regional Desk <desk@example.org>\n"
        "To: digest@example.org\n"
        "Subject: Death toll from Plateau Christmas Eve attacks nears 200\n"
        "Date: Mon, 08 Jan 2024 06:45:00 +0000\n"
        "Message-ID: <digest-2024-01-08-plateau@example.org>\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: multipart/mixed; boundary=\"{mixed}\"\n"
        "\n"
        f"--{mixed}\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: 7bit\n"
        "\n"
        f"{DIGEST_3}\n"
        f"--{mixed}\n"
        "Content-Type: application/pdf; name=\"sahel-brief-2024-01-08.pdf\"\n"
        "Content-Disposition: attachment; filename=\"sahel-brief-2024-01-08.pdf\"\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{b64_lines(PDF_STUB)}"
        f"--{mixed}--\n"
        "\n"
    )
    return "".join(msgs)


# --------------------------------------------------------------------------
# Sample-corpus mail
# --------------------------------------------------------------------------

SAMPLE_ALERT_SUBJECT = "Security alert: Taliban retake Lashkar Gah after weeks of street fighting \u2013 Helmand"

SAMPLE_ALERT_TEXT = """SECURITY ALERT \u2013 AFGHANISTAN \u2013 HELMAND

Taliban fighters took control of Lashkar Gah, the capital of Helmand province, on Friday after weeks of street fighting, as government officials agreed to withdraw the remaining troops and police under a local ceasefire, provincial council members said.

The fall of the city, once the centre of the British and American military effort in southern Afghanistan, came hours after the Taliban captured Kandahar and Herat. Afghan and US aircraft had carried out repeated strikes on Taliban positions in the city in the previous days, and aid groups said thousands of families had fled their homes.

Officials said the governor and senior commanders had been flown out of the city. Residents reported Taliban fighters setting up checkpoints on the main roads and visiting the houses of government employees.

Staff in the southern region should remain at their current locations and confirm their status with the security focal point by 18:00 local time.

--
Regional Security Desk. Do not forward outside the organisation.
To change your alert settings, reply with the word SETTINGS.
"""


def sample_alert_eml():
    b = "==alt_0813ab"
    html = (
        "<html><body><p><b>SECURITY ALERT \u2013 AFGHANISTAN \u2013 HELMAND</b></p>\n"
        + "".join(f"<p>{p}</p>\n" for p in SAMPLE_ALERT_TEXT.split("\n\n")[1:4])
        + "<p>Staff in the southern region should remain at their current locations and confirm their status with the security focal point by 18:00 local time.</p>\n"
        "<hr><p style=\"font-size:11px\">Regional Security Desk. Do not forward outside the organisation.</p></body></html>\n"
    )
    return (
        "From: Regional Security Desk <security-desk@ngo-forum.example.org>\n"
        "To: staff-south@ngo-forum.example.org\n"
        f"Subject: {b_subject(SAMPLE_ALERT_SUBJECT)}\n"
        "Date: Fri, 13 Aug 2021 14:02:00 +0430\n"
        "Message-ID: <alert-2021-0813-hlm@ngo-forum.example.org>\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: multipart/alternative; boundary=\"{b}\"\n"
        "\n"
        f"--{b}\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        f"{qp(SAMPLE_ALERT_TEXT)}"
        f"--{b}\n"
        "Content-Type: text/html; charset=\"utf-8\"\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        f"{qp(html)}"
        f"--{b}--\n"
    )


SAMPLE_DIGEST_1 = """Militants attacked an army base at Inates in Niger's Tillaberi region close to the border with Mali on Tuesday, killing 71 soldiers in the deadliest attack on the country's military in years, the defence ministry said.

The assault began with heavy shelling followed by suicide vehicles driven at the camp's perimeter, according to security sources. Dozens of soldiers were missing after the fighting. Islamic State's West Africa Province later said its fighters were responsible.

President Mahamadou Issoufou cut short a trip abroad and declared three days of national mourning.
"""

SAMPLE_DIGEST_2 = """Islamic State claimed an attack on a military camp at Chinagodrar in western Niger on Thursday that killed 89 soldiers, according to security sources, a month after the raid on Inates in the same Tillaberi region.

The government initially gave a toll of 25 soldiers killed, then revised the figure upward as bodies were recovered. Officials said dozens of attackers were also killed.

Sahel governments and France agreed this week to concentrate forces in the border zone between Mali, Niger and Burkina Faso, where the Islamic State in the Greater Sahara has been most active.
"""


def sample_digest_mbox():
    out = []
    out.append(
        f"{FROM_LINE}\n"
        "From: Sahel Desk <sahel-desk@example.org>\n"
        "To: weekly@example.org\n"
        "Subject: Inates base attack kills 71 Nigerien soldiers\n"
        "Date: Thu, 12 Dec 2019 07:30:00 +0100\n"
        "Message-ID: <weekly-2019-12-12-inates@example.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "\n"
        f"{SAMPLE_DIGEST_1}\n"
    )
    out.append(
        f"{FROM_LINE}\n"
        "From: Sahel Desk <sahel-desk@example.org>\n"
        "To: weekly@example.org\n"
        "Subject: Islamic State claims Chinagodrar attack that killed 89 soldiers\n"
        "Date: Thu, 16 Jan 2020 07:30:00 +0100\n"
        "Message-ID: <weekly-2020-01-16-chinagodrar@example.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "\n"
        f"{SAMPLE_DIGEST_2}\n"
    )
    return "".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sample":
        d = sys.argv[2]
        write(os.path.join(d, "security-alert.eml"), sample_alert_eml())
        write(os.path.join(d, "weekly-digest.mbox"), sample_digest_mbox())
    elif len(sys.argv) == 1:
        here = os.path.dirname(os.path.abspath(__file__))
        write(os.path.join(here, "alert.eml"), alert_eml())
        write(os.path.join(here, "html-only.eml"), html_only_eml())
        write(os.path.join(here, "digest.mbox"), digest_mbox())
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""Writes the PDF fixtures in this folder by hand (Python 3 standard library only).

    python3 make_pdfs.py                 # two-column-report.pdf, no-metadata.pdf, scanned.pdf
    python3 make_pdfs.py --sample DIR    # DIR/2024-06-20-el-fasher-situation-report.pdf

Each file is PDF 1.4 with a classic cross-reference table whose byte offsets
are computed as the file is written. Text uses the standard Type1 fonts
Helvetica and Helvetica-Bold with WinAnsiEncoding (strings are stored as
windows-1252 bytes, with parentheses and backslashes escaped), and every
content stream and the image are FlateDecode (zlib) compressed.
"""
import os
import sys
import textwrap
import zlib

PAGE_W, PAGE_H = 612, 792  # US Letter


def pdf_string(text):
    """A literal string: windows-1252 bytes, with ( ) \\ escaped."""
    raw = text.encode("cp1252")
    out = bytearray(b"(")
    for b in raw:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += b"\\%03o" % b
        else:
            out.append(b)
    out += b")"
    return bytes(out)


def wrap(paragraphs, width):
    """Paragraphs -> lines, with an empty line between paragraphs."""
    lines = []
    for i, p in enumerate(paragraphs):
        if i:
            lines.append("")
        lines += textwrap.wrap(p, width, break_on_hyphens=False, break_long_words=False)
    return lines


class Pdf:
    def __init__(self):
        self.objects = []  # bytes of each object body, index = number - 1

    def reserve(self):
        self.objects.append(None)
        return len(self.objects)

    def set(self, num, body):
        self.objects[num - 1] = body if isinstance(body, bytes) else body.encode("latin-1")

    def add(self, body):
        num = self.reserve()
        self.set(num, body)
        return num

    def stream(self, data, extra=""):
        comp = zlib.compress(data, 9)
        head = f"<< /Length {len(comp)} /Filter /FlateDecode{extra} >>\nstream\n".encode("latin-1")
        return self.add(head + comp + b"\nendstream")

    def write(self, path, root, info=None):
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objects, 1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode("latin-1") + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n".encode("latin-1")
        out += b"0000000000 65535 f\r\n"
        for off in offsets:
            out += f"{off:010d} 00000 n\r\n".encode("latin-1")
        trailer = f"<< /Size {len(self.objects) + 1} /Root {root} 0 R"
        if info:
            trailer += f" /Info {info} 0 R"
        trailer += " >>"
        out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode("latin-1")
        with open(path, "wb") as f:
            f.write(out)
        print(f"{os.path.basename(path)}: {len(out)} bytes, {len(self.objects)} objects")


def document(pages_content, info=None, images=None):
    """pages_content: list of content-stream bytes; images: {page_index: (name, obj)}."""
    pdf = Pdf()
    catalog = pdf.reserve()
    pages = pdf.reserve()
    f1 = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for i, content in enumerate(pages_content):
        xobj = ""
        if images and i in images:
            name, build = images[i]
            xobj = f" /XObject << /{name} {build(pdf)} 0 R >>"
        c = pdf.stream(content)
        kids.append(pdf.add(
            f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >>{xobj} >> /Contents {c} 0 R >>"))
    pdf.set(pages, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>")
    pdf.set(catalog, f"<< /Type /Catalog /Pages {pages} 0 R >>")
    info_num = None
    if info:
        body = b"<< " + b" ".join(b"/" + k.encode("latin-1") + b" " + pdf_string(v) for k, v in info.items()) + b" >>"
        info_num = pdf.add(body)
    return pdf, catalog, info_num


def text_lines_td(font, size, x, y, leading, lines):
    """One BT block, each line placed with Td (what most report writers emit)."""
    ops = [f"BT /{font} {size} Tf {x} {y} Td".encode("latin-1")]
    first = True
    for line in lines:
        if not first:
            ops.append(f"0 -{leading} Td".encode("latin-1"))
        first = False
        if line:
            ops.append(pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def text_lines_tstar(font, size, x, y, leading, lines):
    """One BT block using TL and T* for line advance."""
    ops = [f"BT /{font} {size} Tf {leading} TL {x} {y} Td".encode("latin-1")]
    for i, line in enumerate(lines):
        if i:
            ops.append(b"T*")
        if line:
            ops.append(pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


# --------------------------------------------------------------------------
# two-column-report.pdf
# --------------------------------------------------------------------------

REPORT_TITLE = "Situation Report 37: North-East Syria \u2013 security operation in al-Hol camp"

REPORT_LEFT = [
    "Summary. The Syrian Democratic Forces (SDF) and the Asayish internal security forces ended the main phase of a security operation inside al-Hol camp in Hasakah governorate this week. The operation began on 25 August after a rise in killings inside the camp that local officials attributed to Islamic State (ISIS) cells.",
    "According to the camp administration, more than 200 people were detained, among them men accused of organising killings and collecting money for the group. Search teams reported finding tunnels, small arms, grenades and material used to make explosive devices hidden under tents.",
    "Security teams also said they had found several women held in chains in tents in the section of the camp where foreign families live. Camp officials said the women had been punished by other residents for refusing to follow the group's rules.",
    "Access. Humanitarian services were suspended for several days (water trucking continued). Most clinics reopened on 5 September.",
]

REPORT_RIGHT = [
    "Context. Al-Hol holds about 54,000 people, most of them women and children, and more than half of them Iraqi nationals. Since the start of 2022, at least 40 residents have been killed inside the camp, many of them shot at night. Aid staff have also been targeted, and a medical worker was killed in the camp earlier this year.",
    "The operation follows the January attack on the Sinaa prison in Hasakah city, where Islamic State fighters held parts of the facility for ten days. The SDF has warned repeatedly that it lacks the means to hold detainees and their families indefinitely and has asked governments to repatriate their citizens.",
    "Detainees were taken to facilities run by the SDF outside the camp for questioning; camp officials said some would be released once checks were complete.",
    "Outlook. Further raids are likely in the coming weeks. Humanitarian agencies expect movement restrictions inside the camp to continue and have asked for guarantees of access for health and water services.",
]

REPORT_PAGE2 = [
    "Deir ez-Zor and Raqqa. Attacks on SDF checkpoints and on local council members continued in the eastern Deir ez-Zor countryside, particularly around Shuhayl, Hajin and al-Busayrah. At least six SDF members were killed in shootings and roadside bombings during the reporting period. In Raqqa governorate, a roadside bomb struck a military vehicle on the road to Tabqa, wounding two fighters.",
    "Coalition activity. US forces carried out a helicopter raid near al-Shaddadi in southern Hasakah, detaining a man described as an Islamic State facilitator. The coalition reported no civilian casualties.",
    "Repatriations. Iraq received a further group of about 150 families from al-Hol, who were transferred to the al-Jadah rehabilitation centre south of Mosul. Several European governments have announced small repatriations of women and children.",
    "Recommendations. Partners should plan for continued insecurity in and around al-Hol, maintain low-profile movements on the M4 road, and report any incidents to the regional coordination cell within 24 hours. (This report covers 1 to 14 September 2022; sources include field staff, camp administration statements and open reporting.)",
]


def two_column_report(path):
    page1 = bytearray()
    page1 += text_lines_td("F2", 13, 50, 740, 16, [REPORT_TITLE])
    page1 += text_lines_td("F1", 9, 50, 724, 11, ["Regional Analysis Unit | 15 September 2022 | For humanitarian partners"])
    # a rule under the heading
    page1 += b"0.5 w 50 716 m 562 716 l S\n"
    left = wrap(REPORT_LEFT, 48)
    right = wrap(REPORT_RIGHT, 48)
    page1 += text_lines_tstar("F1", 9, 50, 698, 11.5, left)    # whole left column first
    page1 += text_lines_tstar("F1", 9, 310, 698, 11.5, right)  # then the right column
    page1 += text_lines_td("F1", 8, 290, 40, 10, ["1"])
    page2 = bytearray()
    page2 += text_lines_td("F2", 11, 50, 740, 14, ["Other developments"])
    page2 += text_lines_td("F1", 10, 50, 718, 13, wrap(REPORT_PAGE2, 95))
    page2 += text_lines_td("F1", 8, 290, 40, 10, ["2"])
    pdf, root, info = document([bytes(page1), bytes(page2)], info={
        "Title": REPORT_TITLE,
        "Author": "Regional Analysis Unit",
        "Subject": "Weekly situation report (security), North-East Syria",
        "Creator": "Report Writer 4.2",
        "Producer": "sitrep fixture generator",
        "CreationDate": "D:20220915083000Z",
    })
    pdf.write(path, root, info)
    return left, right


# --------------------------------------------------------------------------
# no-metadata.pdf
# --------------------------------------------------------------------------

NOTE_TITLE = "Security note: al-Shabaab seizes UN-contracted helicopter in Galmudug"

NOTE_BODY = [
    "12 January 2024",
    "Al-Shabaab fighters seized a helicopter contracted by the United Nations after it made an emergency landing near the village of Hindheere in Galmudug state on Wednesday, according to UN staff and Somali officials. The aircraft had been on a medical evacuation flight from Beledweyne with nine people on board.",
    "One person on board was killed when the militants reached the aircraft; the others, most of them foreign contractors, were taken away by the fighters, officials said. Their whereabouts were unknown at the time of writing.",
    "The area around Hindheere is largely controlled by al-Shabaab and has seen heavy fighting since the government's offensive against the group began in 2022. Movement by road and air in the Mudug and Galgaduud regions should be limited to essential trips until further notice.",
]


def no_metadata(path):
    content = bytearray()
    content += text_lines_td("F2", 14, 50, 740, 18, [NOTE_TITLE])
    content += text_lines_td("F1", 10, 50, 712, 13, wrap(NOTE_BODY, 95))
    pdf, root, _ = document([bytes(content)])
    pdf.write(path, root)


# --------------------------------------------------------------------------
# scanned.pdf: one page, an image only, no text layer
# --------------------------------------------------------------------------

def scan_image(pdf):
    w = h = 64
    rows = bytearray()
    for y in range(h):
        for x in range(w):
            # pale paper with dark "lines of text" and a margin
            inked = 6 <= x < 58 and y % 6 in (2, 3) and (x * 7 + y * 3) % 11 != 0
            rows.append(40 if inked else 235)
    return pdf.stream(bytes(rows),
                      f" /Type /XObject /Subtype /Image /Width {w} /Height {h} "
                      "/ColorSpace /DeviceGray /BitsPerComponent 8")


def scanned(path):
    content = b"q 512 0 0 662 50 65 cm /Im1 Do Q\n"
    pdf, root, info = document([content], info={
        "Producer": "ScanStation 3000",
        "CreationDate": "D:20180305101500+03'00'",
    }, images={0: ("Im1", scan_image)})
    pdf.write(path, root, info)


# --------------------------------------------------------------------------
# sample corpus: El Fasher situation report
# --------------------------------------------------------------------------

SAMPLE_TITLE = "North Darfur situation report: fighting for El Fasher and the siege of its camps"

SAMPLE_BODY = [
    "Summary. Fighting between the Sudanese Armed Forces (SAF), allied armed groups of the Joint Force and the Rapid Support Forces (RSF) has continued in and around El Fasher, the capital of North Darfur, since 10 May. The RSF controls most roads into the city, and commercial and humanitarian supplies have largely stopped. An estimated 800,000 people remain in the city and the nearby camps for displaced people.",
    "Health. On 8 June, RSF fighters entered the South Hospital, the main facility still treating war wounded, opened fire and looted equipment, forcing it to close. Medical teams had already been working under shelling for weeks. The Saudi Hospital is now the only public hospital in El Fasher with surgical capacity, and it has itself been hit by artillery fire.",
    "Displacement. Families continue to leave the eastern and northern neighbourhoods for Zamzam camp to the south and for Tawila, about 60 kilometres to the west. Zamzam, already home to several hundred thousand people, has received shelling in recent days. Nutrition screening there shows rates of acute malnutrition among young children well above emergency thresholds.",
    "Diplomacy. On 13 June the UN Security Council adopted resolution 2736, demanding that the RSF halt the siege of El Fasher and calling for an immediate end to the fighting and the withdrawal of all combatants that threaten civilians. Neither side has shown any sign of complying.",
    "Outlook. A full RSF assault on the city centre would put the remaining population at grave risk, including people of the Zaghawa and other non-Arab communities who were targeted when the RSF took El Geneina in West Darfur last year. Partners should prepare for further large movements towards Tawila, Tina and the border with Chad.",
]


def sample_report(path):
    lines = wrap(SAMPLE_BODY, 95)
    page1 = bytearray()
    page1 += text_lines_td("F2", 13, 50, 740, 16, [SAMPLE_TITLE])
    page1 += text_lines_td("F1", 9, 50, 722, 11, ["Darfur Coordination Cell | 20 June 2024"])
    split = len(lines) // 2
    while split < len(lines) and lines[split]:  # end page 1 at a paragraph break
        split += 1
    page1 += text_lines_td("F1", 10, 50, 700, 13, lines[:split])
    page2 = text_lines_td("F1", 10, 50, 740, 13, lines[split + 1:])
    pdf, root, info = document([bytes(page1), page2], info={
        "Title": SAMPLE_TITLE,
        "Author": "Darfur Coordination Cell",
        "CreationDate": "D:20240620091500Z",
    })
    pdf.write(path, root, info)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sample":
        sample_report(os.path.join(sys.argv[2], "2024-06-20-el-fasher-situation-report.pdf"))
    elif len(sys.argv) == 1:
        here = os.path.dirname(os.path.abspath(__file__))
        left, right = two_column_report(os.path.join(here, "two-column-report.pdf"))
        print(f"  two-column page 1: {len(left)} left lines, {len(right)} right lines")
        no_metadata(os.path.join(here, "no-metadata.pdf"))
        scanned(os.path.join(here, "scanned.pdf"))
    else:
        sys.exit(__doc__)

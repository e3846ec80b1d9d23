#!/usr/bin/env python3
"""Writes the two legacy-encoding HTML fixtures in this folder.

windows-1252.html    declared with <meta http-equiv="Content-Type" ...>
meta-charset-latin.html  declared with <meta charset="windows-1252">

Both are stored as single-byte windows-1252, with no byte-order mark, so the
curly quotes, en dashes and accented letters are the bytes 0x93/0x94/0x92,
0x96, 0xE9 and so on.  Run from this folder: python3 make_cp1252.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

WINDOWS_1252 = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Ramadi falls to Islamic State as Iraqi forces pull out of Anbar capital - Old Wire Service</title>
<link rel="stylesheet" type="text/css" href="/styles/wire.css">
<script language="JavaScript" type="text/javascript">
<!--
function openWin(u) { window.open(u, 'print', 'width=600,height=500'); }
//-->
</script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr>
  <td colspan="2" bgcolor="#003366"><img src="/images/wire_logo.gif" width="240" height="48" alt="Old Wire Service"></td>
</tr>
<tr>
  <td width="160" valign="top" bgcolor="#EEEEEE" class="leftmenu">
    <p><b>Sections</b></p>
    <a href="/news/top.html">Top Stories</a><br>
    <a href="/news/world.html">World</a><br>
    <a href="/news/mideast.html">Middle East</a><br>
    <a href="/news/africa.html">Africa</a><br>
    <a href="/news/business.html">Business</a><br>
    <a href="/news/weather.html">Weather</a><br>
    <br>
    <a href="/archive/">Archive</a><br>
    <a href="/about/contact.html">Contact the newsroom</a><br>
    <a href="javascript:openWin('/print/?id=20150517-0093')">Printer-friendly version</a>
  </td>
  <td valign="top" class="story">
    <font face="Arial" size="1" color="#666666">Middle East &raquo; Iraq</font>
    <h2>Ramadi falls to Islamic State as Iraqi forces pull out of Anbar capital</h2>
    <p class="dateline"><font size="2"><time datetime="2015-05-17">Sunday</time> | By staff correspondents</font></p>
    <p>BAGHDAD \u2013 Islamic State fighters seized Ramadi, the capital of Iraq\u2019s western Anbar province, on Sunday after a wave of suicide car bombs broke through the last defences around the government compound and Iraqi security forces withdrew from the city, officials said.</p>
    <p>A spokesman for the provincial governor said at least 500 civilians and members of the security forces had been killed since Friday, when the militants launched their assault on the centre of the city. Army units and police left in convoys towards the Habbaniyah base to the east, leaving behind Humvees, artillery and ammunition.</p>
    <p>Prime Minister Haider al-Abadi ordered the Popular Mobilization Forces, the mostly Shi\u2019ite volunteer militias, to prepare to join the fight in Anbar, a move that Sunni tribal leaders had long resisted. \u201cWe will not allow Ramadi to become another Mosul,\u201d a senior official in Baghdad said.</p>
    <p>Thousands of families fled on foot and in cars towards the Bzeibiz bridge over the Euphrates, the main crossing into Baghdad province, where they waited for hours to be allowed through. M\u00e9decins Sans Fronti\u00e8res and other aid groups warned that camps around Amiriyat al-Fallujah and the capital could not cope with a new wave of displaced people.</p>
    <p>The loss of Ramadi is the biggest setback for the Iraqi government since the fall of Mosul last June, and comes despite months of air strikes by the U.S.-led coalition on Islamic State positions in the province.</p>
    <p><font size="1">Copyright \u00a9 2015 Old Wire Service. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.</font></p>
  </td>
</tr>
<tr>
  <td colspan="2" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1"><a href="/terms.html"><font color="#FFFFFF">Terms of use</font></a> | <a href="/privacy.html"><font color="#FFFFFF">Privacy</font></a> | <a href="/advertise.html"><font color="#FFFFFF">Advertise</font></a></font></td>
</tr>
</table>
</body>
</html>
"""

META_CHARSET_LATIN = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="windows-1252">
<title>Gunmen storm Splendid H\u00f4tel and caf\u00e9 in Ouagadougou, killing 29</title>
<meta name="viewport" content="width=device-width">
</head>
<body>
<div id="top"><a href="/">Sahel Dispatch</a> \u2013 <a href="/burkina-faso/">Burkina Faso</a> \u00b7 <a href="/mali/">Mali</a> \u00b7 <a href="/niger/">Niger</a></div>
<div id="main">
<h1>Gunmen storm Splendid H\u00f4tel and caf\u00e9 in Ouagadougou, killing 29</h1>
<p class="meta">Published <time datetime="2016-01-16T11:20:00+00:00">16 January 2016</time></p>
<p>Burkinab\u00e8 and French special forces ended a siege at the Splendid H\u00f4tel in central Ouagadougou on Saturday morning, hours after gunmen opened fire on the terrace of the Cappuccino caf\u00e9 across the road and then forced their way into the hotel, leaving at least 29 people dead.</p>
<p>Al-Qaeda in the Islamic Maghreb said in a statement that fighters of the al-Mourabitoun group had carried out the attack. The victims came from at least 18 countries, the interior minister said, and more than 30 people were wounded. Three attackers were killed in the operation to retake the building.</p>
<p>Witnesses on Kwame Nkrumah avenue said cars were set alight outside the hotel to block the street before the shooting began. \u201cThey went from table to table,\u201d said a waiter who hid in a storeroom. It was the first attack of its kind in Burkina Faso\u2019s capital, two months after a similar raid on the Radisson Blu hotel in Bamako, Mali.</p>
</div>
<div id="foot">\u00a9 Sahel Dispatch \u2013 <a href="/contact/">Contact</a> \u2013 <a href="/a-propos/">\u00c0 propos</a></div>
</body>
</html>
"""


def write(name, text):
    data = text.encode("cp1252")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    write("windows-1252.html", WINDOWS_1252)
    write("meta-charset-latin.html", META_CHARSET_LATIN)

// Which top-level domains make a dotted word a web address.
// A host with a path, a port, a query, `www.` or a scheme may use any TLD below; a bare host
// (`name.tld` and nothing else) only a WEB_TLD: common web endings that are neither English words
// (`it`, `so`, `to`, `me`…) nor frequent file extensions (`md`, `py`, `sh`, `rs`, `pl`, `ai`, `zip`, `mov`…).

const COUNTRY = (
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk ' +
  'fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir ' +
  'is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ' +
  'ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl ' +
  'pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc ' +
  'td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
).split(' ')

const GENERIC = (
  'com net org edu gov mil int info biz name pro mobi asia tel travel jobs aero coop museum xyz app dev ' +
  'page io ai online site website store shop tech cloud blog space club art music band studio agency media ' +
  'digital network email link live life love world today news fun top win one new now vip global group ' +
  'social fm radio audio video film events tickets tours records productions management company ' +
  'design solutions services systems software email host website me zone wiki academy email games game ' +
  'rocks ninja guru expert works team center plus pics photo photos gallery fashion style fan fans ' +
  'xxx porn sex adult bar pub cafe restaurant city london berlin paris nyc tokyo amsterdam ' +
  'zip mov download google apple amazon youtube microsoft'
).split(' ')

export const ALL_TLDS: ReadonlySet<string> = new Set([...COUNTRY, ...GENERIC])

export const WEB_TLDS: ReadonlySet<string> = new Set(
  (
    'com net org edu gov io co fm ly ee tv gg app dev xyz info biz uk de fr es nl au ca eu ch se jp br mx ru cn ' +
    'nz ie pt dk fi cz gr hu ro ar cl kr tw hk sg za online site website store shop tech cloud blog music band ' +
    'studio agency media digital network email link records productions mobi'
  ).split(' '),
)

/** Well-known platforms: named bare (no path), they say where, not who. With a path they are URLs. */
export const PUBLIC_PLATFORMS: ReadonlySet<string> = new Set(
  (
    'spotify.com youtube.com last.fm soundcloud.com bandcamp.com tiktok.com instagram.com twitter.com x.com ' +
    'facebook.com apple.com google.com gmail.com discord.com twitch.tv patreon.com linktr.ee distrokid.com ' +
    'tunecore.com beatport.com genius.com discogs.com deezer.com tidal.com amazon.com reddit.com github.com ' +
    'wikipedia.org splice.com musicbrainz.org shazam.com pandora.com napster.com audiomack.com vevo.com ' +
    'songkick.com bandsintown.com ticketmaster.com eventbrite.com kickstarter.com dropbox.com wetransfer.com ' +
    'chartmetric.com soundcharts.com cdbaby.com awal.com ascap.com bmi.com prsformusic.com gema.de sacem.fr'
  ).split(' '),
)

export function isTld(label: string): boolean {
  return ALL_TLDS.has(label) || label.startsWith('xn--')
}

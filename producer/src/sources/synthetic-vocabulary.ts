/**
 * The words of the synthetic world: hashtags (in their usual display spelling, most popular first within
 * each list, since popularity is drawn by rank), sentence templates per language, and the pieces that
 * made-up tags are built from. Mostly data, kept apart from the generator so that each stays readable.
 *
 * Every tag is a valid hashtag for twitter-text: letters, marks, digits and underscores, at least one letter.
 */
import { mix32 } from '../../../common/node/prng';

/** Splits a space-separated list. */
const words = (list: string): readonly string[] => list.trim().split(/\s+/);

/** Tags trending anywhere, most popular first (~200). */
const GLOBAL = words(`
  WorldCup AI Music News Football ChampionsLeague NBA Crypto Bitcoin Climate Gaming Movies Netflix Anime KPop
  BTS F1 Travel Food Fitness Election Tech ChatGPT PremierLeague Olympics Tennis Cricket Weather Earthquake
  Health Space NASA SpaceX Economy StockMarket Fashion Art Photography Books Podcast Concert Festival Memes
  Viral MondayMotivation FridayFeeling WeekendVibes GoodMorning Love Family Nature Sunset Dogs Cats Coffee
  Breaking BreakingNews Politics Inflation ClimateChange Heatwave Wildfire Flood MentalHealth Education
  HumanRights Peace Sustainability Environment Energy Solar Ocean NewMusic Blackpink TaylorSwift Oscars
  Grammys Manga BookTok Poetry Beauty Eurovision Coachella Theatre Comedy TikTok Streaming Marvel StarWars
  Film HipHop Jazz Rock Afrobeats Reggaeton Kdrama Bollywood Hollywood Foodie Yoga Running Pets DogsOfX
  CatsOfX ThrowbackThursday TBT Motivation SelfCare Wellness Vegan Recipe Garden Hiking Beach Summer Winter
  Rain Snow Holiday Christmas NewYear Halloween Ramadan Diwali Eid LunarNewYear Pride WomensDay EarthDay
  Blessed Birthday Wedding Graduation Career Jobs Hiring RemoteWork Business Marketing Finance Investing
  RealEstate SmallBusiness Entrepreneur Leadership Science History Astronomy Moon Mars Medicine Nurses
  Teachers Students Ethereum Web3 Startups Coding JavaScript Python OpenSource Nintendo PlayStation Xbox
  Apple iPhone Android Cybersecurity DataScience MachineLearning Robotics VR EV Innovation Esports
  LeagueOfLegends Valorant Minecraft Fortnite Chess Rugby Basketball Baseball Soccer Golf Boxing UFC
  Marathon Cycling TourDeFrance SuperBowl Wimbledon Formula1 Democracy Refugees Vaccine Skincare Makeup
  Sneakers Cars Motorsport Aviation Trains Architecture Design Photooftheday Selfie OOTD Dance Singing
  Guitar Piano Vinyl Radio Sports Weekend Friday Monday Sunday Happy Fun Mood Throwback Memories
`);

/** A country's own tags (most popular first), the language its local posts use, and how many do. */
export interface CountryVocabulary {
  /** X's `lang` code for the local language. */
  readonly lang: string;
  /** The share of the country's posts written in `lang` rather than English. */
  readonly localShare: number;
  readonly tags: readonly string[];
}

const country = (lang: string, localShare: number, list: string): CountryVocabulary => ({
  lang,
  localShare,
  tags: words(list),
});

/** Per-country vocabularies for the countries with the most city dwellers (and a few more). */
const COUNTRIES: Record<string, CountryVocabulary> = {
  US: country(
    'en',
    0,
    `NFL NBA MLB SuperBowl MarchMadness Thanksgiving FourthOfJuly NYC LosAngeles Chicago Texas
    California Florida Hurricane Broadway WallStreet Yankees Lakers Warriors Cowboys Chiefs Dodgers BlackFriday
    LaborDay MemorialDay SNL CollegeFootball NCAA Tornado Nasdaq DowJones Yellowstone Seattle Boston Miami`,
  ),
  GB: country(
    'en',
    0,
    `PremierLeague Arsenal CFC LFC MUFC MCFC COYS London Manchester Birmingham Wimbledon TheAshes
    BBC Glastonbury GBBO Strictly LoveIsland RoyalFamily NHS TubeStrike UKWeather EastEnders BonfireNight SixNations
    FACup Edinburgh Glasgow Leeds Liverpool`,
  ),
  CA: country(
    'en',
    0,
    `Canada Toronto Montreal Vancouver Calgary Ottawa Edmonton NHL Leafs Habs Canucks Oilers
    Raptors BlueJays CFL GreyCup CanadaDay Hockey Poutine Niagara Banff TIFF Quebec CdnPoli Winnipeg`,
  ),
  AU: country(
    'en',
    0,
    `Australia Sydney Melbourne Brisbane Perth Adelaide AFL NRL StateOfOrigin TheAshes AusOpen
    MelbourneCup Matildas Socceroos Wallabies AustraliaDay Bushfire GreatBarrierReef Auspol BondiBeach Koala Footy
    Canberra GoldCoast`,
  ),
  IN: country(
    'hi',
    0.3,
    `Cricket IPL TeamIndia India Mumbai Delhi Bengaluru Bollywood Diwali Holi Monsoon ISRO
    Chandrayaan StartupIndia UPSC MumbaiRains Chennai Hyderabad Kolkata Pune Tollywood भारत क्रिकेट दिवाली होली बॉलीवुड
    समाचार मौसम योग मानसून दिल्ली मुंबई हिंदी शुभ_प्रभात`,
  ),
  PK: country(
    'ur',
    0.4,
    `Pakistan Karachi Lahore Islamabad Rawalpindi Peshawar PSL PakistanCricket BabarAzam
    Biryani Multan Faisalabad پاکستان کراچی لاہور کرکٹ خبریں موسم رمضان عید_مبارک بریانی اسلام_آباد`,
  ),
  BD: country(
    'bn',
    0.5,
    `Bangladesh Dhaka Chattogram BangladeshCricket Tigers Sylhet বাংলাদেশ ঢাকা ক্রিকেট খবর
    আবহাওয়া পহেলা_বৈশাখ ঈদ ফুটবল বর্ষা চট্টগ্রাম বইমেলা খুলনা রাজশাহী বিজয়_দিবস সিনেমা গান`,
  ),
  JP: country(
    'ja',
    0.8,
    `東京 大阪 ワールドカップ サッカー 野球 プロ野球 相撲 アニメ 漫画 映画 音楽 桜 花見
    ラーメン 寿司 天気 地震 台風 ニュース 拡散希望 おはよう 今日の一枚 猫 犬 紅白 大谷翔平 ポケモン 原神 Jリーグ
    侍ジャパン 選挙 円安 夏休み 花火大会 鉄道 富士山 ゲーム 推し 新曲 京都 北海道`,
  ),
  KR: country(
    'ko',
    0.75,
    `서울 부산 케이팝 방탄소년단 블랙핑크 뉴진스 드라마 영화 음악 축구 야구 손흥민 날씨 뉴스
    맛집 카페 여행 오늘의코디 먹스타그램 일상 주말 커피 선거 한국 김치 데일리 소통 게임 롤드컵 벚꽃 인천 제주도`,
  ),
  CN: country(
    'zh',
    0.8,
    `中国 北京 上海 广州 深圳 新闻 春节 中秋节 足球 篮球 美食 旅行 电影 音乐 天气 熊猫 高考
    双十一 火锅 奥运会 科技 人工智能 成都 杭州 重庆`,
  ),
  TW: country(
    'zh',
    0.7,
    `台灣 台北 高雄 台中 珍珠奶茶 夜市 棒球 中華隊 颱風 地震 新聞 美食 旅遊 電影 音樂 天氣 捷運
    演唱會 台南 日月潭`,
  ),
  RU: country(
    'ru',
    0.8,
    `Москва СанктПетербург Россия новости футбол хоккей КХЛ Спартак Зенит ЦСКА погода музыка
    кино сериал весна лето зима осень НовыйГод котики путешествия еда рецепты спорт утро доброеутро Байкал Сибирь
    дача выходные Казань`,
  ),
  UA: country(
    'uk',
    0.75,
    `Україна Київ Львів Одеса Харків Дніпро новини футбол Динамо Шахтар погода музика кіно
    Євробачення борщ весна літо зима доброгоранку вихідні спорт мова книги подорожі кава котики`,
  ),
  SA: country(
    'ar',
    0.8,
    `السعودية الرياض جدة رمضان عيد_الفطر الهلال النصر الاتحاد دوري_روشن كأس_العالم رؤية_2030
    اليوم_الوطني موسم_الرياض أخبار الطقس كرة_القدم مكة المدينة_المنورة قهوة صباح_الخير جمعة_مباركة السياحة تقنية
    الذكاء_الاصطناعي الدمام`,
  ),
  EG: country(
    'ar',
    0.8,
    `مصر القاهرة الإسكندرية الأهلي الزمالك محمد_صلاح الدوري_المصري منتخب_مصر رمضان أخبار_مصر
    الأهرامات النيل أفلام مسلسلات_رمضان الطقس كرة_القدم صباح_الخير جمعة_مباركة الثانوية_العامة عمرو_دياب السياحة
    الجيزة تريند`,
  ),
  IR: country(
    'fa',
    0.85,
    `ایران تهران اصفهان شیراز مشهد تبریز نوروز یلدا فوتبال پرسپولیس استقلال اخبار هوا سینما
    موسیقی شعر چای کتاب طبیعت ورزش`,
  ),
  TR: country(
    'tr',
    0.8,
    `Türkiye İstanbul Ankara İzmir Galatasaray Fenerbahçe Beşiktaş Trabzonspor SüperLig
    MilliTakım Haber SonDakika Hava Deprem Bayram Ramazan Çay Kahve Boğaz Kapadokya Antalya Dizi Müzik Futbol
    Basketbol Günaydın HayırlıCumalar Bursa`,
  ),
  GR: country(
    'el',
    0.75,
    `Ελλάδα Αθήνα Θεσσαλονίκη Ολυμπιακός Παναθηναϊκός ΑΕΚ ΠΑΟΚ ειδήσεις καιρός καλοκαίρι
    θάλασσα Πάσχα μουσική ποδόσφαιρο μπάσκετ Κρήτη Σαντορίνη νησιά καφές σινεμά ταξίδι Πειραιάς Πάτρα`,
  ),
  TH: country(
    'th',
    0.8,
    `กรุงเทพ ประเทศไทย ข่าว สงกรานต์ ลอยกระทง ฟุตบอล มวยไทย ละคร เพลง อาหารไทย ท่องเที่ยว เชียงใหม่ ภูเก็ต
    อากาศ ฝนตก คอนเสิร์ต ซีรีส์วาย แมว กาแฟ ตลาดนัด ทะเล พัทยา`,
  ),
  VN: country(
    'vi',
    0.8,
    `VietNam HàNội SàiGòn ĐàNẵng BóngĐá ĐộiTuyểnViệtNam Tết Phở CàPhê TinTức ThờiTiết DuLịch
    HạLong Vpop BánhMì SeaGames ChàoBuổiSáng HảiPhòng CầnThơ ÂmNhạc`,
  ),
  ID: country(
    'in',
    0.75,
    `Indonesia Jakarta Surabaya Bandung Bali Yogyakarta Medan TimnasIndonesia Persija Persib
    Berita Cuaca Banjir Gempa Kuliner Mudik Lebaran Dangdut Sinetron Kopi NasiGoreng Wisata LiburanSekolah
    SelamatPagi JumatBerkah Semarang`,
  ),
  MY: country(
    'ms',
    0.6,
    `Malaysia KualaLumpur Penang JohorBahru HarimauMalaya Berita Cuaca NasiLemak HariRaya
    Merdeka Banjir Makan Kopitiam Durian Langkawi Sabah Sarawak CutiSekolah Ipoh Melaka`,
  ),
  PH: country(
    'tl',
    0.5,
    `Philippines Manila Cebu Davao QuezonCity PBA Gilas Boracay Palawan Bagyo WalangPasok
    Jollibee Adobo OPM Teleserye ItsShowtime PinoyPride Kapamilya Kapuso Balita Panahon MagandangUmaga Pasko
    SimbangGabi`,
  ),
  DE: country(
    'de',
    0.75,
    `Deutschland Berlin München Hamburg Köln Bundesliga FCBayern BVB DFB Nationalmannschaft
    Oktoberfest Tatort Wetter Nachrichten DeutscheBahn Karneval Weihnachtsmarkt Fußball Urlaub Sommer Kaffee
    Frankfurt Stuttgart Dresden Bier Energiewende Wochenende Montag Leipzig`,
  ),
  FR: country(
    'fr',
    0.8,
    `France Paris Marseille Lyon PSG OM Ligue1 Bleus EquipeDeFrance TourDeFrance RolandGarros
    Cannes Météo Actualité Cuisine Vin Fromage Grève RentréeScolaire FêteDeLaMusique 14Juillet Louvre BonneJournée
    Bonjour Toulouse Nice Bordeaux Lille`,
  ),
  ES: country(
    'es',
    0.8,
    `España Madrid Barcelona RealMadrid FCBarcelona LaLiga ElClásico Atleti Sevilla Valencia
    Fútbol Noticias Tiempo Verano Playa Paella Tapas Flamenco SanFermín Feria LaRoja Alcaraz Mallorca Canarias
    FelizViernes BuenosDías Bilbao Málaga`,
  ),
  IT: country(
    'it',
    0.8,
    `Italia Roma Milano Napoli Torino SerieA Juventus Inter ACMilan ForzaNapoli Azzurri Sanremo
    Pizza Pasta Cucina Calcio Meteo Notizie Estate Mare Venezia Firenze Sicilia GiroDItalia Ferragosto Buongiorno
    Caffè Moda Bologna Palermo`,
  ),
  BR: country(
    'pt',
    0.85,
    `Brasil SãoPaulo RioDeJaneiro Flamengo Corinthians Palmeiras Brasileirão Seleção Carnaval
    Futebol Novela BBB Notícias Calor Praia Forró Sertanejo Funk Copa BomDia Sextou Churrasco Açaí Amazônia
    BeloHorizonte Salvador Recife Pagode Brasília Fortaleza`,
  ),
  MX: country(
    'es',
    0.85,
    `México CDMX Guadalajara Monterrey LigaMX América Chivas Tigres Rayados ElTri DíaDeMuertos
    Tacos Mariachi LuchaLibre Noticias Clima Sismo Tequila Cancún Oaxaca FelizLunes Telenovela Lluvia Independencia
    Puebla Tijuana`,
  ),
  AR: country(
    'es',
    0.85,
    `Argentina BuenosAires Córdoba Rosario Mendoza Boca River Superclásico LaScaloneta Messi
    Mate Asado Tango Fútbol Noticias Dólar Inflación Malbec Patagonia Bariloche Racing Independiente FelizDomingo
    LaPlata`,
  ),
  CO: country(
    'es',
    0.85,
    `Colombia Bogotá Medellín Cali Barranquilla Cartagena SelecciónColombia Millonarios
    AtléticoNacional Café Vallenato Reggaeton Noticias Clima Carnaval FeriaDeLasFlores Arepa Salsa Bucaramanga
    Pereira Lluvia`,
  ),
  NG: country(
    'en',
    0,
    `Nigeria Lagos Abuja Kano Ibadan PortHarcourt SuperEagles Afrobeats Naija Nollywood BBNaija
    Jollof Davido Wizkid BurnaBoy NPFL DettyDecember LagosTraffic Owambe Japa Naira Suya Enugu Benin`,
  ),
  ZA: country(
    'en',
    0,
    `SouthAfrica Johannesburg CapeTown Durban Pretoria Soweto Bafana Springboks Proteas
    KaizerChiefs OrlandoPirates Braai Amapiano Loadshedding Eskom Joburg Mzansi HeritageDay Ubuntu Gqeberha Kruger
    TableMountain`,
  ),
  KE: country(
    'en',
    0,
    `Kenya Nairobi Mombasa Kisumu Nakuru HarambeeStars Safaricom Matatu NyamaChoma MaasaiMara
    Kipchoge Mpesa Gengetone KOT NairobiTraffic JamhuriDay MadarakaDay Ugali Eldoret Athletics`,
  ),
};

/** Languages of countries without a vocabulary of their own, for their posts' `lang` and templates. */
const LANGUAGES: Record<string, string> = {
  CL: 'es',
  PE: 'es',
  VE: 'es',
  EC: 'es',
  GT: 'es',
  CU: 'es',
  BO: 'es',
  DO: 'es',
  HN: 'es',
  PY: 'es',
  SV: 'es',
  NI: 'es',
  CR: 'es',
  PA: 'es',
  UY: 'es',
  PT: 'pt',
  AO: 'pt',
  MZ: 'pt',
  SN: 'fr',
  CI: 'fr',
  CM: 'fr',
  CD: 'fr',
  ML: 'fr',
  BF: 'fr',
  NE: 'fr',
  GN: 'fr',
  BE: 'fr',
  HT: 'fr',
  MA: 'ar',
  DZ: 'ar',
  TN: 'ar',
  IQ: 'ar',
  SY: 'ar',
  JO: 'ar',
  LB: 'ar',
  KW: 'ar',
  AE: 'ar',
  QA: 'ar',
  OM: 'ar',
  YE: 'ar',
  LY: 'ar',
  SD: 'ar',
  AT: 'de',
  CH: 'de',
  KZ: 'ru',
  BY: 'ru',
  UZ: 'ru',
  AF: 'fa',
  CY: 'el',
};

/**
 * Sentence templates per language: `{t}` is the first hashtag, `{c}` the city. A hashtag always has a space
 * or an end of text on both sides, so twitter-text extracts exactly what the entities say.
 */
const TEMPLATES: Record<string, readonly string[]> = {
  en: [
    'Watching it all unfold tonight {t}',
    "Can't believe what just happened {t} 😮",
    'Best thing I have seen all week {t}',
    'Who else is up for this? {t}',
    'Morning coffee and {t} ☕',
    '{t} is trending and I can see why',
    'Still thinking about {t}',
    'Big day today {t} 🔥',
    'Lol this is too good {t} 😂',
    'Live from {c} {t}',
    'Everyone in {c} is talking about {t}',
    'Not ready for this {t} 🙌',
  ],
  ja: ['今日は {t} 楽しみ！', '{t} 最高でした', '{c}なう {t}', 'みんな見てる？ {t}', 'やっと週末 {t} 🎉'],
  ko: ['오늘도 {t} 최고', '{c} {t} 😍', '다들 보셨나요? {t}', '주말엔 역시 {t}'],
  zh: ['今天在{c} {t}', '大家在看吗？ {t}', '太棒了 {t} 👍', '早上好 {t}'],
  ar: ['صباح الخير {t}', 'أجواء رائعة اليوم في {c} {t}', 'ما رأيكم؟ {t}', 'متابعة مستمرة {t}'],
  fa: ['امروز در {c} {t}', 'چه روز خوبی {t}', 'نظر شما چیه؟ {t}'],
  ur: ['آج {c} میں {t}', 'کون دیکھ رہا ہے؟ {t}', 'زبردست {t} 🔥'],
  hi: ['आज का दिन शानदार {t}', '{c} से नमस्ते {t}', 'कौन देख रहा है? {t}', 'बहुत बढ़िया {t} 🔥'],
  bn: ['আজ {c} থেকে {t}', 'দারুণ দিন {t}', 'কে দেখছেন? {t}'],
  ru: ['Сегодня в {c} {t}', 'Кто смотрит? {t}', 'Отличный день {t}', 'Не могу поверить {t} 😮'],
  uk: ['Сьогодні у {c} {t}', 'Хто дивиться? {t}', 'Гарного дня всім {t}', 'Неймовірно {t} 🔥'],
  el: ['Καλημέρα από {c} {t}', 'Ποιος βλέπει; {t}', 'Υπέροχη μέρα {t}', 'Απίστευτο {t} 😮'],
  th: ['วันนี้ที่ {c} {t}', 'ใครดูอยู่บ้าง {t}', 'สนุกมาก {t} 😂', 'อรุณสวัสดิ์ {t}'],
  vi: ['Hôm nay ở {c} {t}', 'Ai đang xem không? {t}', 'Tuyệt vời {t} 🔥'],
  tr: ['Bugün {c} {t}', 'İzleyen var mı? {t}', 'Harika bir gün {t} 🔥', 'İnanılmaz {t} 😮'],
  in: ['Hari ini di {c} {t}', 'Siapa yang nonton? {t}', 'Seru banget {t} 🔥', 'Selamat pagi dari {c} {t}'],
  ms: ['Hari ini di {c} {t}', 'Siapa tengok? {t}', 'Best gila {t} 🔥'],
  tl: ['Magandang araw mula sa {c} {t}', 'Sino nanonood? {t}', 'Grabe {t} 😂'],
  de: ['Heute in {c} {t}', 'Wer schaut noch? {t}', 'Was für ein Tag {t} 🔥', 'Unglaublich {t} 😮'],
  fr: ["Aujourd'hui à {c} {t}", 'Qui regarde ? {t}', 'Quelle journée {t} 🔥', 'Incroyable {t} 😮'],
  es: ['Hoy en {c} {t}', '¿Quién más está viendo esto? {t}', 'Qué día {t} 🔥', 'No lo puedo creer {t} 😮'],
  pt: ['Hoje em {c} {t}', 'Quem mais tá vendo? {t}', 'Que dia {t} 🔥', 'Não acredito {t} 😂'],
  it: ['Oggi a {c} {t}', 'Chi sta guardando? {t}', 'Che giornata {t} 🔥', 'Incredibile {t} 😮'],
};

/** Pieces of made-up event tags ("StormElena", "FinalNight"). */
const EVENT_PREFIXES = words(`
  Storm Festival Final Summit Derby Launch Marathon Premiere Quake Comeback Tour Awards Debate Eclipse
  Expo Rally Gala Cup Heatwave Blackout
`);
const EVENT_SUFFIXES = words(`
  Live Night Week Day Elena Hugo Nova Alpha Orion Luna Atlas Vega 2026 Now Watch Fever Party Finale
  Returns
`);

/** Syllables of the long tail of generated tags ("Kalomi", "ZentaruFans"). */
const SYLLABLES = words(`
  ka lo mi ra zen ta ru vi no sa ke ma di po lu xe ba to ri na fe go hu ji ko ly mo pe qui se tu wa
`);
const TAIL_SUFFIXES = ['', '', '', 'Fans', 'Live', 'Club', 'Life', 'Day', 'TV', 'Official'] as const;

/**
 * Tail ranks: P(rank ≥ k) = TAIL_MIN_RANK / k (so P(k) ∝ 1/k²) up to TAIL_MAX_RANK. Starting at rank 50
 * keeps any one tail tag below ~0.1% of draws; N draws give ~2·√(50·N) distinct tags, so new ones keep
 * appearing, slowly.
 */
const TAIL_MIN_RANK = 50;
const TAIL_MAX_RANK = 10_000_000;

/** A made-up tag of the long tail drawn by `u` in [0, 1) ("Kalomi", "ZentaruFans"); a rank's name never changes. */
function tailTag(u: number): string {
  const rank = Math.min(TAIL_MAX_RANK, Math.floor(TAIL_MIN_RANK / (1 - u)));
  let bits = mix32(rank, 0x7a11);
  let name = '';
  for (let i = 0, n = 2 + (bits & 1) + ((bits >>> 1) & 1); i < n; i++) {
    bits = mix32(bits, i);
    name += SYLLABLES[bits % SYLLABLES.length];
  }
  return name[0].toUpperCase() + name.slice(1) + TAIL_SUFFIXES[(bits >>> 8) % TAIL_SUFFIXES.length];
}

/** Everything the synthetic world says. */
export const syntheticVocabulary = {
  global: GLOBAL,
  countries: COUNTRIES,
  languages: LANGUAGES,
  templates: TEMPLATES,
  eventPrefixes: EVENT_PREFIXES,
  eventSuffixes: EVENT_SUFFIXES,
  tailTag,
} as const;

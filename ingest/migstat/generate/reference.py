"""Reference data of the simulated country: countries, names, places, employers, carriers."""

from __future__ import annotations

import numpy as np

# iso3, iso2, m49, icao, English short name (as typed on permits), name culture,
# document number style, tourist weight, worker weight
COUNTRIES: list[tuple] = [
    ("MDV", "MV", "462", "MDV", "Maldives", "mv", "A", 0.0, 0.0),
    ("BGD", "BD", "050", "BGD", "Bangladesh", "bd", "A", 0.004, 45.0),
    ("IND", "IN", "356", "IND", "India", "in", "A", 0.10, 22.0),
    ("LKA", "LK", "144", "LKA", "Sri Lanka", "lk", "A", 0.012, 8.0),
    ("NPL", "NP", "524", "NPL", "Nepal", "np", "B", 0.002, 6.0),
    ("PHL", "PH", "608", "PHL", "Philippines", "ph", "B", 0.003, 4.0),
    ("PAK", "PK", "586", "PAK", "Pakistan", "pk", "B", 0.005, 3.0),
    ("EGY", "EG", "818", "EGY", "Egypt", "ar", "A", 0.002, 1.5),
    ("CHN", "CN", "156", "CHN", "China", "cn", "E", 0.16, 2.0),
    ("THA", "TH", "764", "THA", "Thailand", "jp", "B", 0.005, 1.0),
    ("IDN", "ID", "360", "IDN", "Indonesia", "ar", "B", 0.004, 1.0),
    ("MMR", "MM", "104", "MMR", "Myanmar", "jp", "B", 0.0005, 1.0),
    ("MYS", "MY", "458", "MYS", "Malaysia", "ar", "A", 0.01, 0.6),
    ("RUS", "RU", "643", "RUS", "Russia", "ru", "C", 0.08, 0.3),
    ("GBR", "GB", "826", "GBR", "United Kingdom", "en", "C", 0.09, 0.6),
    ("DEU", "DE", "276", "D", "Germany", "de", "B", 0.08, 0.3),
    ("ITA", "IT", "380", "ITA", "Italy", "it", "B", 0.09, 0.3),
    ("USA", "US", "840", "USA", "United States", "en", "C", 0.04, 0.3),
    ("FRA", "FR", "250", "FRA", "France", "it", "B", 0.03, 0.2),
    ("JPN", "JP", "392", "JPN", "Japan", "jp", "B", 0.03, 0.1),
    ("CHE", "CH", "756", "CHE", "Switzerland", "de", "B", 0.015, 0.1),
    ("ESP", "ES", "724", "ESP", "Spain", "it", "B", 0.015, 0.1),
    ("UKR", "UA", "804", "UKR", "Ukraine", "ru", "B", 0.012, 0.2),
    ("KOR", "KR", "410", "KOR", "Korea", "jp", "B", 0.015, 0.1),
    ("AUS", "AU", "036", "AUS", "Australia", "en", "B", 0.01, 0.2),
    ("SAU", "SA", "682", "SAU", "Saudi Arabia", "ar", "A", 0.01, 0.0),
    ("POL", "PL", "616", "POL", "Poland", "ru", "B", 0.015, 0.0),
    ("NLD", "NL", "528", "NLD", "Netherlands", "de", "B", 0.01, 0.1),
    ("AUT", "AT", "040", "AUT", "Austria", "de", "B", 0.01, 0.0),
    ("CZE", "CZ", "203", "CZE", "Czechia", "ru", "B", 0.01, 0.0),
    ("SWE", "SE", "752", "SWE", "Sweden", "en", "B", 0.008, 0.0),
    ("CAN", "CA", "124", "CAN", "Canada", "en", "B", 0.007, 0.1),
    ("ISR", "IL", "376", "ISR", "Israel", "en", "B", 0.008, 0.0),
    ("KAZ", "KZ", "398", "KAZ", "Kazakhstan", "ru", "B", 0.01, 0.0),
    ("ARE", "AE", "784", "ARE", "United Arab Emirates", "ar", "A", 0.01, 0.0),
    ("TUR", "TR", "792", "TUR", "Turkey", "ar", "B", 0.007, 0.2),
    ("BRA", "BR", "076", "BRA", "Brazil", "it", "B", 0.005, 0.0),
    ("ZAF", "ZA", "710", "ZAF", "South Africa", "en", "A", 0.004, 0.2),
    ("UGA", "UG", "800", "UGA", "Uganda", "en", "A", 0.0005, 0.2),
    ("KEN", "KE", "404", "KEN", "Kenya", "en", "A", 0.001, 0.2),
    ("SGP", "SG", "702", "SGP", "Singapore", "cn", "E", 0.005, 0.1),
    ("BEL", "BE", "056", "BEL", "Belgium", "it", "B", 0.006, 0.0),
    ("SRB", "RS", "688", "SRB", "Serbia", "ru", "B", 0.002, 0.0),
    ("XKX", "XK", "412", "RKS", "Kosovo", "ru", "B", 0.0003, 0.0),
    ("SYR", "SY", "760", "SYR", "Syria", "ar", "A", 0.0003, 0.0),
]
ISO3 = np.array([c[0] for c in COUNTRIES], dtype=object)
ISO2 = np.array([c[1] for c in COUNTRIES], dtype=object)
M49 = np.array([c[2] for c in COUNTRIES], dtype=object)
ICAO = np.array([c[3] for c in COUNTRIES], dtype=object)
CNAME = np.array([c[4] for c in COUNTRIES], dtype=object)
CULTURE = np.array([c[5] for c in COUNTRIES], dtype=object)
DOCSTYLE = np.array([c[6] for c in COUNTRIES], dtype=object)
TOURIST_W = np.array([c[7] for c in COUNTRIES], dtype=float)
WORKER_W = np.array([c[8] for c in COUNTRIES], dtype=float)
C_INDEX = {c[0]: i for i, c in enumerate(COUNTRIES)}
MDV = C_INDEX["MDV"]

# permit nationality misspellings / casing (about 2% of permits)
NATIONALITY_TYPOS = {
    "Bangladesh": ["BANGLADESH", "Bangaldesh", "bangladesh", "Bangladeshi"],
    "India": ["INDIA", "Indian", "india"],
    "Sri Lanka": ["Srilanka", "SRI LANKA", "Sri lanka", "Sri Lankan"],
    "Nepal": ["NEPAL", "Nepali", "nepal"],
    "Philippines": ["Phillipines", "PHILIPPINES", "Philipines", "Filipino"],
    "Pakistan": ["PAKISTAN", "Pakisthan"],
    "Egypt": ["EGYPT", "Egyption"],
}

# given names by culture and sex, surnames by culture
GIVEN_M = {
    "mv": "AHMED MOHAMED IBRAHIM ALI HASSAN HUSSAIN ABDULLA ISMAIL MOOSA ADAM AHMED "
    "HUSSAIN YOOSUF ZAHIR RASHEED SHAREEF",
    "bd": "MD MOHAMMAD ABDUL RAHIM KARIM JAHANGIR SHAHIDUL RAFIQUL ALAMGIR NURUL MIZANUR "
    "SHAHIN HUSSAIN",
    "in": "RAJESH SURESH MOHAMED ANIL SUNIL VIJAY RAVI ARUN MANOJ PRAKASH DEEPAK RAMESH",
    "lk": "KASUN NUWAN CHAMARA PRADEEP SAMAN MOHAMED DINESH RUWAN LAHIRU",
    "np": "RAM HARI KRISHNA BIKASH SURESH RAJU DIPAK",
    "ph": "JOHN MARK JOSE MICHAEL JOMAR RENATO",
    "pk": "MOHAMED ALI USMAN IMRAN BILAL",
    "ar": "MOHAMED AHMED MAHMOUD OMAR KHALID YOUSSEF",
    "cn": "WEI LEI HAO JUN TAO YONG",
    "ru": "ALEKSANDR DMITRII SERGEI ANDREI MAKSIM IVAN",
    "en": "JAMES JOHN DAVID MICHAEL THOMAS DANIEL",
    "de": "THOMAS MICHAEL STEFAN ANDREAS JUERGEN LUKAS",
    "it": "MARCO LUCA GIUSEPPE ANDREA PIERRE JUAN",
    "jp": "HIROSHI TAKESHI JIHOON SOMCHAI KENJI",
}
GIVEN_F = {
    "mv": "AISHATH FATHIMATH MARIYAM AMINATH HAWWA KHADEEJA SHIFA NASHWA ZAHIRA",
    "bd": "NASRIN SHAHANA RUMA FATEMA NUSRAT",
    "in": "PRIYA ANITA SUNITA DIVYA LAKSHMI",
    "lk": "NADEESHA DILANI CHAMARI SACHINI",
    "np": "SITA GITA SABINA ANJALI",
    "ph": "MARIA ANNA JOY KRISTINE MARICEL",
    "pk": "AYESHA SANA",
    "ar": "FATMA NOUR MARIAM",
    "cn": "JING YAN XIN MIN YU",
    "ru": "ELENA OLGA NATALIA ANNA IRINA",
    "en": "SARAH EMMA LAURA SOPHIE CHARLOTTE",
    "de": "SABINE JULIA ANNA KATHARINA",
    "it": "GIULIA FRANCESCA CHIARA MARIE",
    "jp": "YUKI MIKA SOOJIN",
}
SURNAMES = {
    "mv": "MOHAMED ALI IBRAHIM HASSAN RASHEED SHAREEF NASEER MANIK DIDI WAHEED SAEED ZAHIR "
    "JAMEEL LATHEEF HAMEED",
    "bd": "HOSSAIN RAHMAN ISLAM MIAH UDDIN AHMED ALAM HAQUE SHEIKH MOLLA SARKAR",
    "in": "KUMAR SINGH NAIR PILLAI SHARMA REDDY MENON DAS PATEL VARGHESE JOSEPH KHAN",
    "lk": "PERERA FERNANDO SILVA JAYASINGHE BANDARA DISSANAYAKE RATHNAYAKE GUNAWARDENA",
    "np": "THAPA GURUNG TAMANG RAI SHRESTHA MAGAR BASNET ADHIKARI",
    "ph": "SANTOS REYES CRUZ BAUTISTA GARCIA MENDOZA",
    "pk": "KHAN AHMED BUTT MALIK QURESHI",
    "ar": "HASSAN IBRAHIM ABDELRAHMAN ELSAYED MOSTAFA",
    "cn": "WANG LI ZHANG LIU CHEN YANG ZHAO HUANG",
    "ru": "IVANOV SMIRNOV KUZNETSOV POPOV SOKOLOV VOLKOV",
    "en": "SMITH JONES WILLIAMS BROWN TAYLOR DAVIES WILSON O'BRIEN",
    "de": "MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER",
    "it": "ROSSI RUSSO FERRARI ESPOSITO BIANCHI DUBOIS GARCIA",
    "jp": "SATO SUZUKI TAKAHASHI KIM LEE PARK",
}
# transliteration variants (another document may spell the name another way)
VARIANTS = {
    "MOHAMED": ["MOHAMMED", "MOHAMMAD", "MUHAMMAD", "MOHAMAD"],
    "MOHAMMAD": ["MOHAMMED", "MUHAMMAD", "MD"],
    "MD": ["MOHAMMAD", "MOHAMMED"],
    "AHMED": ["AHMAD", "AHAMED"],
    "HUSSAIN": ["HUSSEIN", "HUSAIN", "HUSEN"],
    "HOSSAIN": ["HOSSEN", "HUSSAIN", "HOSEN"],
    "RAHMAN": ["REHMAN", "RAHAMAN"],
    "ABDULLA": ["ABDULLAH"],
    "AISHATH": ["AISHA", "AYESHA"],
    "FATHIMATH": ["FATHIMA", "FATIMA"],
    "KHADEEJA": ["KHADIJA"],
    "MARIYAM": ["MARIAM"],
    "ZAHIR": ["ZAHEER"],
    "RASHEED": ["RASHID"],
    "SHAREEF": ["SHARIF"],
    "YOOSUF": ["YUSUF", "YOUSUF"],
    "MOOSA": ["MUSA"],
    "ALEKSANDR": ["ALEXANDER", "ALEKSANDER"],
    "DMITRII": ["DMITRY", "DMITRIY"],
    "SERGEI": ["SERGEY"],
    "NATALIA": ["NATALYA"],
    "MUELLER": ["MULLER"],
    "JUERGEN": ["JURGEN"],
    "ELSAYED": ["EL SAYED", "EL-SAYED"],
    "ABDELRAHMAN": ["ABDEL RAHMAN", "ABDUL RAHMAN"],
    "MIAH": ["MIA"],
    "UDDIN": ["UDDEN"],
    "JAYASINGHE": ["JAYASINGHA"],
    "FATEMA": ["FATIMA"],
    "DIPAK": ["DEEPAK"],
    "KHALID": ["KHALED"],
    "YOUSSEF": ["YOUSEF", "YUSUF"],
}


def build_name_vocab():
    """Return vocab (object array), and per culture/sex arrays of base name indices."""
    vocab: list[str] = []
    pos: dict[str, int] = {}

    def idx(name: str) -> int:
        if name not in pos:
            pos[name] = len(vocab)
            vocab.append(name)
        return pos[name]

    cultures = sorted(GIVEN_M)
    given_m = {c: np.array([idx(x) for x in GIVEN_M[c].split()]) for c in cultures}
    given_f = {c: np.array([idx(x) for x in GIVEN_F[c].split()]) for c in cultures}
    surn = {c: np.array([idx(x) for x in SURNAMES[c].split()]) for c in cultures}
    for base, alts in VARIANTS.items():
        idx(base)
        for a in alts:
            idx(a)
    n = len(vocab)
    var_start = np.zeros(n, np.int64)
    var_count = np.zeros(n, np.int64)
    flat: list[int] = []
    for base, alts in VARIANTS.items():
        b = pos[base]
        var_start[b] = len(flat)
        var_count[b] = len(alts)
        flat.extend(pos[a] for a in alts)
    return (
        np.array(vocab, dtype=object),
        given_m,
        given_f,
        surn,
        var_start,
        var_count,
        np.array(flat + [0], dtype=np.int64),
    )


ATOLLS = {
    "HA": ["Dhidhdhoo", "Ihavandhoo", "Kelaa"],
    "HDh": ["Kulhudhuffushi", "Hanimaadhoo", "Nolhivaram"],
    "Sh": ["Funadhoo", "Milandhoo"],
    "N": ["Manadhoo", "Velidhoo"],
    "R": ["Ungoofaaru", "Dhuvaafaru", "Maduvvari"],
    "B": ["Eydhafushi", "Thulhaadhoo"],
    "Lh": ["Naifaru", "Hinnavaru"],
    "K": ["Male", "Hulhumale", "Villimale", "Maafushi", "Thulusdhoo"],
    "AA": ["Rasdhoo", "Ukulhas", "Thoddoo"],
    "ADh": ["Mahibadhoo", "Dhangethi"],
    "V": ["Felidhoo", "Keyodhoo"],
    "M": ["Muli", "Dhiggaru"],
    "F": ["Nilandhoo", "Magoodhoo"],
    "Dh": ["Kudahuvadhoo", "Meedhoo"],
    "Th": ["Veymandoo", "Thimarafushi"],
    "L": ["Fonadhoo", "Gan", "Maavah"],
    "GA": ["Viligili", "Dhaandhoo"],
    "GDh": ["Thinadhoo", "Gadhdhoo"],
    "Gn": ["Fuvahmulah"],
    "S": ["Hithadhoo", "Feydhoo", "Maradhoo", "Meedhoo"],
}
ATOLL_CODES = list(ATOLLS)
ATOLL_W = np.array(
    [3, 4, 2, 2, 2, 2, 2, 42, 2, 2, 1, 1, 1, 1, 2, 3, 2, 3, 3, 9], dtype=float
)  # K (Male) dominates

SECTORS = [
    ("Tourism", 30),
    ("Construction", 35),
    ("Fisheries", 3),
    ("Wholesale and Retail", 8),
    ("Health", 4),
    ("Education", 3),
    ("Manufacturing", 3),
    ("Transport", 4),
    ("Domestic Services", 5),
    ("Other", 5),
]
OCCUPATIONS = {
    "Tourism": [
        ("Waiter", "5131"),
        ("Cook", "5120"),
        ("Room Attendant", "9112"),
        ("Gardener", "9214"),
        ("Bartender", "5132"),
        ("Chef de Partie", "3434"),
        ("Spa Therapist", "5142"),
        ("Front Office Assistant", "4224"),
    ],
    "Construction": [
        ("Mason", "7112"),
        ("Carpenter", "7115"),
        ("Labourer", "9313"),
        ("Electrician", "7411"),
        ("Plumber", "7126"),
        ("Welder", "7212"),
        ("Site Supervisor", "3123"),
    ],
    "Fisheries": [("Fisherman", "6222"), ("Fish Processor", "7511")],
    "Wholesale and Retail": [
        ("Shop Assistant", "5223"),
        ("Cashier", "5230"),
        ("Storekeeper", "4321"),
    ],
    "Health": [("Staff Nurse", "2221"), ("Medical Officer", "2211"), ("Lab Technician", "3212")],
    "Education": [("Teacher", "2330"), ("Lecturer", "2310"), ("Primary Teacher", "2341")],
    "Manufacturing": [("Machine Operator", "8189"), ("Boat Builder", "7115")],
    "Transport": [("Driver", "8322"), ("Boat Captain", "3152"), ("Mechanic", "7231")],
    "Domestic Services": [("Housemaid", "9111"), ("Cleaner", "9112"), ("Baby Sitter", "5311")],
    "Other": [("Accountant", "2411"), ("Manager", "1120"), ("Security Guard", "5414")],
}
EMPLOYER_WORDS = [
    "Sun",
    "Blue",
    "Coral",
    "Ocean",
    "Island",
    "Reef",
    "Crescent",
    "Palm",
    "Lagoon",
    "Atoll",
    "Star",
    "Pearl",
    "Royal",
    "Wave",
    "Sea",
    "Horizon",
    "Falcon",
    "Golden",
    "Silver",
    "Emerald",
    "Sand",
    "Dolphin",
    "Manta",
    "Turtle",
    "Orchid",
]
EMPLOYER_SUFFIX = {
    "Tourism": ["Island Resort", "Resort & Spa", "Hotels Pvt Ltd", "Guest House"],
    "Construction": ["Construction Pvt Ltd", "Builders Pvt Ltd", "Engineering Pvt Ltd"],
    "Fisheries": ["Fisheries Pvt Ltd", "Seafoods Pvt Ltd"],
    "Wholesale and Retail": ["Trading Pvt Ltd", "Stores", "Enterprises"],
    "Health": ["Hospital", "Medical Centre", "Clinic Pvt Ltd"],
    "Education": ["School", "International School", "College"],
    "Manufacturing": ["Industries Pvt Ltd", "Boatyard"],
    "Transport": ["Transport Pvt Ltd", "Marine Services", "Logistics Pvt Ltd"],
    "Domestic Services": ["Household", "Family"],
    "Other": ["Investments Pvt Ltd", "Holdings Pvt Ltd", "Services"],
}

PORTS = np.array(["MLE", "GAN", "HAQ", "NMF", "MLESP", "ULGSP", "GANSP"], dtype=object)
PORT_W = np.array([0.93, 0.035, 0.012, 0.006, 0.01, 0.003, 0.004])
AIRLINES = np.array(
    [
        "EK",
        "QR",
        "EY",
        "SQ",
        "UL",
        "AI",
        "6E",
        "8D",
        "Q2",
        "BS",
        "TK",
        "SU",
        "BA",
        "LH",
        "3U",
        "MU",
        "CA",
        "FZ",
        "G9",
        "WY",
        "SV",
        "KU",
        "J2",
        "VS",
        "AF",
    ],
    dtype=object,
)
VESSELS = np.array(
    ["MV OCEAN STAR", "SY WANDERER", "MV SEA PEARL", "SY BLUE HORIZON", "MV KUREDHI"],
    dtype=object,
)

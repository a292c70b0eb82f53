"""Small fictional word lists for names, schools and places (no Faker: fast and reproducible)."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


BOYS = _words(
    "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry William "
    "Freddie Alfie Theo Archie Joshua James Lucas Isaac Max Logan Ethan Teddy Finley Mason "
    "Reuben Dylan Samuel Harrison Jude Elijah Louie Tommy Riley Albie Ronnie Frankie Adam Kai "
    "Toby Sonny Ezra Rory Alexander Daniel Joseph Benjamin Jenson Zachary Hugo Caleb Ryan "
    "Callum Connor Kieran Liam Nathan Owen Rhys Tyler Bradley Jamie Aaron Ben Luke Sam"
)

GIRLS = _words(
    "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace "
    "Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie "
    "Matilda Maya Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Penelope Mila Bonnie Eva "
    "Hallie Eliza Ada Violet Esme Arabella Imogen Jessica Delilah Chloe Erin Holly Megan Lucy "
    "Hannah Ellie Abigail Jasmine Katie Lauren Leah Molly Niamh Paige Zara Amber Tilly"
)

NEUTRAL = _words("Alex Charlie Frankie Jamie Jordan Morgan Riley Robin Sam Taylor Ashley Rowan")

SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner "
    "Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan "
    "Scott Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey Carter "
    "Cook Singh Shaw Bell Collins Morgan Kelly Begum Miller Cox Hussain Marshall Simpson Price "
    "Anderson Adams Wilkinson Ali Ahmed Foster Ellis Murphy Chapman Mason Gray Richards Webb "
    "Griffiths Hunt Palmer Campbell Holmes Mills Rogers Barnes Knight Matthews Barker Powell "
    "Stevens Kaur Fisher Butler Dixon Russell Harvey Pearson Graham Fletcher Howard Stone "
    "Gibson Kent Ashby Fairbrother Hollis Pennington Dunmore Oakley Thackeray Wainwright Larkin "
    "Brightwell Coldwell Eastwood Underhill Rusholme Merriweather Fenwick Hartley Holloway "
    "Sutcliffe Lockwood Whitlock Bramwell Kingsley Ashworth Pemberton Radley"
)

PLACE_PREFIXES = _words(
    "Oak Ash Beech Birch Elm Hazel Holly Rowan Willow Maple Alder Cedar Hill Brook Meadow Mill "
    "Church Priory Abbey Castle Bridge Marsh Heath Orchard Chalk Flint Weald Hawk Lark Fox Wren "
    "Kings Queens Stone Green Fair Long High West East North South Red White Black Bramble "
    "Thorn Apple Cherry Lime Hop Down Wold Sand Broad"
)

PLACE_SUFFIXES = _words(
    "field brook wood dene hurst ley ton well gate croft lands side mead bank hill combe cote "
    "stead bourne ford ridge view dale moor grove lea park stone"
)

PLACE_QUALIFIERS = ["", "", "", "Upper ", "Lower ", "Little ", "Great ", "New "]

SAINTS = _words("Mary John Peter Paul Michael Andrew George Anne Margaret Augustine Thomas Edmund")

# Kent-like districts: (name, weight, easting, northing, postcode districts).
DISTRICTS = [
    ("Ashford", 0.085, 601500, 142500, ["TN23", "TN24", "TN25", "TN26", "TN27"]),
    ("Canterbury", 0.100, 614800, 157800, ["CT1", "CT2", "CT3", "CT4", "CT5", "CT6"]),
    ("Dartford", 0.075, 554000, 173000, ["DA1", "DA2", "DA3", "DA4"]),
    ("Dover", 0.075, 631000, 144000, ["CT14", "CT15", "CT16", "CT17"]),
    ("Folkestone and Hythe", 0.070, 618000, 136500, ["CT18", "CT19", "CT20", "CT21", "TN29"]),
    ("Gravesham", 0.070, 565000, 171500, ["DA11", "DA12", "DA13"]),
    ("Maidstone", 0.110, 576000, 155500, ["ME14", "ME15", "ME16", "ME17", "ME18"]),
    ("Sevenoaks", 0.080, 552000, 155000, ["TN13", "TN14", "TN15", "TN8"]),
    ("Swale", 0.100, 596000, 163000, ["ME9", "ME10", "ME11", "ME12", "ME13"]),
    ("Thanet", 0.090, 634000, 167500, ["CT7", "CT8", "CT9", "CT10", "CT11", "CT12"]),
    ("Tonbridge and Malling", 0.085, 565000, 156000, ["ME19", "ME20", "ME6", "TN9", "TN10"]),
    ("Tunbridge Wells", 0.060, 560000, 139500, ["TN1", "TN2", "TN3", "TN4", "TN12", "TN17"]),
]
KENT_BOX = (540_000, 640_000, 130_000, 180_000)
HOME_LA = "Wealdshire"
NEIGHBOUR_LAS = ["Medway", "East Sussex", "Surrey", "Bexley", "Bromley"]

ENGLAND_BOX = (150_000, 650_000, 50_000, 650_000)
LA_SUFFIXES = ["shire", " Borough", " City", "", " and District"]
POSTCODE_AREAS = _words(
    "NE DH SR TS DL CA LA PR BB BL M OL SK WA WN L CH CW ST DE NG LN PE LE CV B WV WS DY WR HR "
    "GL OX MK NN LU AL SG CB IP NR CO CM SS RM IG E N EN HA UB TW KT SM CR BR DA ME CT TN RH BN "
    "GU RG SL HP SO PO BH SP BA BS TA EX TQ PL TR DT YO HU DN S HD HX BD LS WF HG"
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

INMSS_TEMPLATES = [
    "{p} School",
    "{p} School",
    "{p} House School",
    "The {p} School",
    "{p} College",
    "{p} Academy",
    "{p} Learning Centre",
    "{p} Park School",
]
SPECIAL_TEMPLATES = [
    "{p} School",
    "{p} School",
    "{p} Academy",
    "The {p} School",
    "{p} Special School",
]
PRIMARY_TEMPLATES = [
    "{p} Primary School",
    "{p} Primary School",
    "{p} Community Primary School",
    "{p} Church of England Primary School",
    "{p} Primary Academy",
    "St {s}'s Catholic Primary School",
]
SECONDARY_TEMPLATES = [
    "{p} Academy",
    "{p} School",
    "{p} High School",
    "{p} Grammar School",
    "{p} Community College",
]
FE_TEMPLATES = ["{p} College", "The {p} College", "{p} College of Further Education"]
POST16_TEMPLATES = ["{p} Specialist College", "{p} College for Young Adults"]
AP_TEMPLATES = ["{p} Education Centre", "{p} Pupil Referral Unit", "{p} Learning Academy"]
INDEP_TEMPLATES = ["{p} Preparatory School", "{p} School", "{p} House School"]
NURSERY_TEMPLATES = ["{p} Nursery School"]

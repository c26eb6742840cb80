#include "demo/demodataset.h"

#include "demo/demorandom.h"

#include <QSet>

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>
#include <string_view>

namespace ktx {

namespace {

using Day = DemoDataSet::Day;
using Moment = DemoDataSet::Moment;

constexpr qint64 kSecondsPerDay = 86400;
constexpr Day kDays = DemoDataSet::kDayCount;
constexpr Moment kEnd = DemoDataSet::kLastMoment;

// One random stream per stage (see DemoRandom::stream).
enum Stream : quint64 {
    ProductStream = 1,
    CustomerStream,
    CampaignStream,
    OrderStream,
    SubscriptionStream,
    EventStream,
    TicketStream,
};

// ---- Calendar: proleptic Gregorian, integer arithmetic only (H. Hinnant's algorithms).

struct Civil
{
    int year;
    int month;
    int day;
};

constexpr qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

constexpr Civil civilFromDays(qint64 z)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int d = int(doy - (153 * mp + 2) / 5 + 1);
    const int m = int(mp < 10 ? mp + 3 : mp - 9);
    return Civil {int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d};
}

constexpr qint64 kEpochDays = daysFromCivil(2024, 1, 1);

constexpr Day dayOf(int y, int m, int d)
{
    return Day(daysFromCivil(y, m, d) - kEpochDays);
}

static_assert(dayOf(2025, 12, 31) == kDays - 1);

Civil civilOf(Day day)
{
    return civilFromDays(kEpochDays + day);
}

// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
int weekdayOf(Day day)
{
    const qint64 z = kEpochDays + day;
    return int(((z % 7) + 7 + 3) % 7);
}

Day addMonths(Day day, int months)
{
    const Civil c = civilOf(day);
    const int total = c.year * 12 + (c.month - 1) + months;
    const int year = total / 12;
    const int month = total % 12 + 1;
    const int nextYear = month == 12 ? year + 1 : year;
    const int nextMonth = month == 12 ? 1 : month + 1;
    const int length = dayOf(nextYear, nextMonth, 1) - dayOf(year, month, 1);
    return dayOf(year, month, std::min(c.day, length));
}

// The Friday after US Thanksgiving (fourth Thursday of November).
Day blackFriday(int year)
{
    const Day first = dayOf(year, 11, 1);
    const int toThursday = (3 - weekdayOf(first) + 7) % 7;
    return first + toThursday + 21 + 1;
}

Day dayOfMoment(Moment moment)
{
    return Day(moment / kSecondsPerDay);
}

// ---- Word lists. Plain ASCII so that emails can be derived from names.

const char *const kFirstNames[] = {
    "Olivia", "Liam",     "Emma",   "Noah",   "Ava",    "Mateo",  "Sophia", "Lucas",
    "Mia",    "Ethan",    "Amelia", "Oliver", "Harper", "Elijah", "Evelyn", "James",
    "Chloe",  "Benjamin", "Grace",  "Henry",  "Aisha",  "Omar",   "Priya",  "Arjun",
    "Mei",    "Hiroshi",  "Yuna",   "Minjun", "Sofia",  "Diego",  "Camila", "Jonas",
    "Freya",  "Lars",     "Ingrid", "Emil",   "Clara",  "Felix",  "Lena",   "Hugo",
    "Chiara", "Luca",     "Zara",   "Kwame",  "Amara",  "Tariq",  "Nora",   "Samuel",
    "Isla",   "Theo",     "Ruby",   "Finn",   "Maya",   "Leo",    "Hannah", "Daniel",
};

const char *const kLastNames[] = {
    "Smith",     "Johnson",  "Williams", "Brown",   "Garcia",  "Miller", "Davis",   "Martinez",
    "Lopez",     "Wilson",   "Anderson", "Taylor",  "Thomas",  "Moore",  "Jackson", "Martin",
    "Lee",       "Thompson", "White",    "Harris",  "Clark",   "Lewis",  "Walker",  "Hall",
    "Young",     "King",     "Wright",   "Scott",   "Nguyen",  "Patel",  "Kim",     "Chen",
    "Tanaka",    "Singh",    "Okafor",   "Mensah",  "Schmidt", "Muller", "Weber",   "Fischer",
    "Johansson", "Larsen",   "Nielsen",  "Dubois",  "Laurent", "Rossi",  "Bianchi", "Murphy",
    "Kelly",     "Byrne",    "Campbell", "Stewart", "Fraser",  "Cohen",  "Haddad",  "Silva",
};

// A value and its relative weight for DemoRandom::weighted().
struct Choice
{
    const char *value;
    int weight;
};

// Reserved example domains (RFC 2606): realistic-looking, never a real mailbox.
const Choice kConsumerDomains[] = {
    {"example.com", 40},      {"example.net", 22},     {"example.org", 12},
    {"mail.example.com", 14}, {"post.example.net", 8}, {"inbox.example.org", 4},
};

const char *const kCompanyDomains[] = {
    "brightdesk.example", "harborlabs.example", "northpeak.example",  "copperleaf.example",
    "bluestone.example",  "fernhill.example",   "quillworks.example", "tidewater.example",
    "oakline.example",    "sunforge.example",   "pinecrest.example",  "lumenhaus.example",
};

const Choice kAcquisitionChannels[] = {
    {"organic_search", 30}, {"direct", 16},   {"paid_search", 18},
    {"paid_social", 16},    {"referral", 14}, {"email", 6},
};

const Choice kSalesChannels[] = {{"web", 62}, {"mobile_app", 30}, {"marketplace", 8}};
const Choice kPaymentMethods[]
    = {{"card", 62}, {"paypal", 20}, {"apple_pay", 12}, {"gift_card", 6}};
const Choice kGoodwillReasons[] = {{"damaged_item", 45}, {"late_delivery", 30}, {"goodwill", 25}};
const Choice kCancelReasons[]
    = {{"too_expensive", 30},       {"too_much_coffee", 25}, {"payment_failed", 12},
       {"moved_to_competitor", 10}, {"plan_change", 12},     {"other", 11}};
const Choice kDevices[] = {{"mobile", 58}, {"desktop", 36}, {"tablet", 6}};
const Choice kTicketChannels[] = {{"email", 50}, {"chat", 35}, {"phone", 15}};
const Choice kDeliveredOrderTopics[] = {{"shipping_delay", 30},
                                        {"damaged_item", 20},
                                        {"order_change", 12},
                                        {"product_question", 22},
                                        {"billing", 16}};
const Choice kSubscriberTopics[]
    = {{"subscription", 55}, {"account", 20}, {"product_question", 25}};
const Choice kCustomerTopics[] = {{"account", 40}, {"product_question", 45}, {"billing", 15}};

template<std::size_t N> const char *pickChoice(DemoRandom &rng, const Choice (&choices)[N])
{
    std::array<int, N> weights {};
    for (std::size_t i = 0; i < N; ++i)
        weights[i] = choices[i].weight;
    return choices[rng.weighted(weights)].value;
}

template<typename T, std::size_t N> const T &pickOne(DemoRandom &rng, const T (&items)[N])
{
    return items[rng.below(N)];
}

// Human activity by hour of day (local time): quiet nights, lunch and evening peaks.
constexpr int kHourWeights[24]
    = {2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 11, 10, 9, 9, 9, 10, 11, 13, 14, 13, 9, 5};

Moment momentOn(DemoRandom &rng, Day day)
{
    const auto hour = qint64(rng.weighted(kHourWeights));
    return qint64(day) * kSecondsPerDay + hour * 3600 + qint64(rng.below(3600));
}

// Fills a tracking-number pattern: '#' digit, '@' letter, '*' letter or digit.
QByteArray fillPattern(DemoRandom &rng, const char *pattern)
{
    static const char kAlnum[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    QByteArray out;
    for (const char *p = pattern; *p; ++p) {
        switch (*p) {
        case '#':
            out += char('0' + rng.below(10));
            break;
        case '@':
            out += char('A' + rng.below(26));
            break;
        case '*':
            out += kAlnum[rng.below(sizeof(kAlnum) - 1)];
            break;
        default:
            out += *p;
        }
    }
    return out;
}

struct CarrierSpec
{
    const char *name;
    const char *trackingPattern;
};

struct RegionSpec
{
    const char *name;
    const char *countryCode;
    const char *territory;
    int customerWeight;
    CarrierSpec primary;
    CarrierSpec secondary;
    int minTransitDays;
    int maxTransitDays;
    qint64 shippingFeeCents; // below the free-shipping threshold
};

const RegionSpec kRegions[] = {
    {"US East",
     "US",
     "Americas",
     24,
     {"UPS", "1Z******##########"},
     {"USPS", "9400##################"},
     1,
     4,
     595},
    {"US West",
     "US",
     "Americas",
     20,
     {"UPS", "1Z******##########"},
     {"USPS", "9400##################"},
     1,
     5,
     595},
    {"Canada",
     "CA",
     "Americas",
     9,
     {"Canada Post", "################"},
     {"UPS", "1Z******##########"},
     2,
     7,
     895},
    {"United Kingdom & Ireland",
     "GB",
     "EMEA",
     12,
     {"Royal Mail", "@@#########GB"},
     {"DPD", "##############"},
     2,
     6,
     895},
    {"DACH", "DE", "EMEA", 10, {"DHL", "##########"}, {"DPD", "##############"}, 2, 6, 895},
    {"Nordics", "SE", "EMEA", 7, {"PostNord", "@@#########SE"}, {"DHL", "##########"}, 3, 8, 895},
    {"France & Benelux",
     "FR",
     "EMEA",
     8,
     {"Colissimo", "6A###########"},
     {"DPD", "##############"},
     2,
     7,
     895},
    {"Australia & New Zealand",
     "AU",
     "APAC",
     10,
     {"Australia Post", "@@@#########"},
     {"DHL", "##########"},
     3,
     9,
     995},
};

constexpr qint64 kFreeShippingFromCents = 5000;

struct CategorySpec
{
    const char *name;
    int parent; // 0 = top level
};

// Ids are positions + 1; parents come before their children.
const CategorySpec kCategories[] = {
    {"Coffee", 0},
    {"Single Origin", 1},
    {"Blends", 1},
    {"Decaf", 1},
    {"Equipment", 0},
    {"Grinders", 5},
    {"Brewers", 5},
    {"Espresso Machines", 5},
    {"Kettles & Scales", 5},
    {"Accessories", 0},
    {"Filters & Papers", 10},
    {"Mugs & Cups", 10},
    {"Cleaning & Care", 10},
    {"Tea", 0},
    {"Loose Leaf Tea", 14},
    {"Gifts & Bundles", 0},
};

enum class Group { Coffee, Tea, Equipment, Accessory, GiftCard };

const char *const kOrigins[] = {
    "Ethiopia Yirgacheffe", "Colombia Huila",   "Kenya Nyeri",        "Guatemala Antigua",
    "Costa Rica Tarrazu",   "Brazil Cerrado",   "Sumatra Mandheling", "Rwanda Huye",
    "Peru Cajamarca",       "Honduras Marcala", "Panama Boquete",     "Burundi Kayanza",
};
const char *const kBlends[] = {"House Blend",    "Morning Ritual", "Dark Harbor",
                               "Espresso Forte", "Velvet Crema",   "Sunday Roast"};
const char *const kDecafs[] = {"Swiss Water Decaf Colombia", "Decaf Espresso", "Decaf Night Owl"};
const char *const kGrinders[]
    = {"Burr Grinder Mini",     "Burr Grinder Pro",     "Hand Grinder Classic",
       "Hand Grinder Titanium", "Flat Burr Grinder 64", "Espresso Grinder E54"};
const char *const kBrewers[] = {"Ceramic Pour-Over Dripper",
                                "Glass Pour-Over Carafe 600ml",
                                "French Press 1L",
                                "Travel Press",
                                "Cold Brew Tower",
                                "Batch Brewer 10-cup",
                                "Moka Pot 6-cup",
                                "Siphon Brewer"};
const char *const kEspressoMachines[]
    = {"Home Espresso One", "Home Espresso Dual Boiler", "Lever Espresso Classic",
       "Compact Espresso S", "Espresso Pro PID"};
const char *const kKettlesScales[]
    = {"Gooseneck Kettle Stovetop", "Electric Gooseneck Kettle", "Brew Scale",
       "Brew Scale with Timer",     "Travel Kettle 0.6L",        "Milk Frothing Pitcher"};
const char *const kFilters[]
    = {"Paper Filters #2 (100)", "Paper Filters #4 (100)",   "Cone Filters 02 (100)",
       "Metal Mesh Filter",      "Cloth Filter Set",         "Cold Brew Filter Bags (20)",
       "Espresso Puck Screens",  "Press Paper Filters (350)"};
const char *const kMugs[] = {"Stoneware Mug 350ml",  "Glass Cup 240ml",   "Double-Wall Glass 300ml",
                             "Travel Tumbler 470ml", "Espresso Cups (2)", "Cappuccino Cup & Saucer",
                             "Enamel Camp Mug",      "Logo Mug Black",    "Logo Mug Sand",
                             "Cortado Glass Set (4)"};
const char *const kCleaning[]
    = {"Descaling Powder", "Grinder Cleaning Tablets", "Espresso Machine Cleaner",
       "Cleaning Brush Set", "Water Filter Cartridge"};
const char *const kTeas[] = {"Earl Grey 100g",
                             "English Breakfast 100g",
                             "Sencha 100g",
                             "Jasmine Pearls 100g",
                             "Darjeeling First Flush 100g",
                             "Rooibos Vanilla 100g",
                             "Chamomile 100g",
                             "Masala Chai 100g",
                             "Tieguanyin Oolong 100g",
                             "Peppermint 100g"};
const char *const kGiftCards[] = {"Gift Card $25", "Gift Card $50", "Gift Card $100"};
const qint64 kGiftCardCents[] = {2500, 5000, 10000};
const char *const kBundles[]
    = {"Tasting Flight Box (4 x 100g)", "Pour-Over Starter Kit", "Espresso Lover Bundle"};

struct Family
{
    int categoryId;
    const char *skuPrefix;
    std::span<const char *const> names;
    Group group;
    int minDollars;
    int maxDollars;
    int popularity;
    bool sized; // sold as 250g and 1kg bags
};

const Family kFamilies[] = {
    {2, "SO", kOrigins, Group::Coffee, 15, 22, 30, true},
    {3, "BL", kBlends, Group::Coffee, 13, 17, 42, true},
    {4, "DC", kDecafs, Group::Coffee, 14, 18, 10, true},
    {6, "GR", kGrinders, Group::Equipment, 45, 420, 3, false},
    {7, "BR", kBrewers, Group::Equipment, 25, 180, 5, false},
    {8, "EM", kEspressoMachines, Group::Equipment, 240, 1490, 1, false},
    {9, "KS", kKettlesScales, Group::Equipment, 25, 160, 3, false},
    {11, "FP", kFilters, Group::Accessory, 6, 28, 14, false},
    {12, "MC", kMugs, Group::Accessory, 12, 38, 5, false},
    {13, "CC", kCleaning, Group::Accessory, 9, 29, 5, false},
    {15, "TE", kTeas, Group::Tea, 9, 16, 8, false},
    {16, "GC", kGiftCards, Group::GiftCard, 0, 0, 4, false},
    {16, "BU", kBundles, Group::Accessory, 39, 149, 3, false},
};

// Coffee and tea prices went up on 2025-01-01.
constexpr Day kPriceChangeDay = 366;

struct PlanSpec
{
    const char *code;
    const char *name;
    const char *interval;
    qint64 priceCents;
    int bags;
    Day launchedOn;
};

const PlanSpec kPlans[] = {
    {"explorer-monthly", "Explorer (1 bag a month)", "month", 1800, 1, 0},
    {"explorer-annual", "Explorer, paid yearly (1 bag a month)", "year", 19200, 1, 0},
    {"roaster-monthly", "Roaster's Choice (2 bags a month)", "month", 3200, 2, 0},
    {"roaster-annual", "Roaster's Choice, paid yearly (2 bags a month)", "year", 33600, 2, 0},
    {"office-monthly", "Office (20 bags a month)", "month", 12900, 20, dayOf(2024, 9, 1)},
};
enum PlanIndex { ExplorerMonthly, ExplorerAnnual, RoasterMonthly, RoasterAnnual, OfficeMonthly };

const char *const kCampaignThemes[12] = {
    "New Year, New Brew",  "Valentine's Gift Guide", "Spring Harvest Origins",
    "Brew Better at Home", "Mother's Day Gifts",     "Cold Brew Season",
    "Summer Sale",         "Back to the Office",     "Fall Roasts Launch",
    "Espresso Week",       "Black Friday",           "Holiday Gift Guide",
};

const Choice kCampaignChannels[] = {
    {"email", 30},     {"paid_social", 25}, {"paid_search", 20},
    {"affiliate", 10}, {"podcast", 8},      {"influencer", 7},
};

qint64 roundHalfUp(qint64 numerator, qint64 denominator)
{
    return (numerator + denominator / 2) / denominator;
}

// Ids follow time, as a real system hands them out; ties keep creation order.
template<typename T, typename Key> void stableSortBy(std::vector<T> &rows, Key key)
{
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const T &a, const T &b) { return key(a) < key(b); });
}

class Builder
{
public:
    Builder(quint64 seed, DemoDataSet &data)
        : m_seed(seed)
        , m_data(data)
    { }

    void run()
    {
        buildRegions();
        buildCategories();
        buildProducts();
        buildPlans();
        buildCustomers();
        buildCampaigns();
        buildOrders();
        buildSubscriptions();
        buildMarketingEvents();
        buildSupportTickets();
    }

private:
    struct CustomerFacts
    {
        int region;
        bool business;
        bool regular; // orders far more often than most
        bool hasOrdered;
    };
    struct ProductFacts
    {
        Group group;
        qint64 price2024Cents;
        int popularity;
    };
    enum class OrderState { Processing, Shipped, Completed, Returned, Cancelled };
    struct OrderFacts
    {
        std::size_t customer;
        OrderState state;
        std::optional<Moment> lastDeliveredAt;
        qint64 totalCents;
    };
    struct PendingPayment
    {
        DemoDataSet::Payment row;
        std::size_t seq;
    };
    struct PendingRefund
    {
        std::size_t paymentSeq;
        Moment at;
        qint64 amountCents;
        const char *reason;
    };

    DemoRandom random(Stream stream) const { return DemoRandom::stream(m_seed, stream); }

    bool available(std::size_t product, Day day) const
    {
        const auto &p = m_data.products[product];
        return p.launchedOn <= day && (!p.discontinuedOn || day < *p.discontinuedOn);
    }

    // Customers (by index) who had signed up at `moment`.
    std::size_t customersKnownAt(Moment moment) const
    {
        return std::size_t(std::upper_bound(m_signups.begin(), m_signups.end(), moment)
                           - m_signups.begin());
    }

    void buildRegions()
    {
        qint64 id = 0;
        for (const RegionSpec &r : kRegions)
            m_data.regions.push_back({++id, r.name, r.countryCode, r.territory});
    }

    void buildCategories()
    {
        qint64 id = 0;
        for (const CategorySpec &c : kCategories) {
            ++id;
            m_data.productCategories.push_back(
                {id, c.name, c.parent ? std::optional<qint64>(c.parent) : std::nullopt});
        }
    }

    void buildProducts()
    {
        DemoRandom rng = random(ProductStream);
        for (const Family &family : kFamilies) {
            int itemNumber = 0;
            for (const char *name : family.names) {
                ++itemNumber;
                const bool coreProduct
                    = family.skuPrefix == std::string_view("BL") && itemNumber == 1;
                Day launched = 0;
                std::optional<Day> discontinued;
                if (!coreProduct && rng.chance(0.12))
                    launched = Day(rng.between(45, 640));
                else if (!coreProduct && rng.chance(0.05))
                    discontinued = Day(rng.between(200, 690));

                qint64 basePrice = 0;
                if (family.group == Group::GiftCard) {
                    basePrice = kGiftCardCents[itemNumber - 1];
                } else if (family.group == Group::Equipment || family.maxDollars >= 100) {
                    basePrice = rng.between(family.minDollars / 5, family.maxDollars / 5) * 500 - 1;
                } else {
                    basePrice = rng.between(family.minDollars, family.maxDollars) * 100 - 1;
                }

                struct Variant
                {
                    const char *suffix;
                    const char *skuSuffix;
                    int popularity;
                };
                std::vector<Variant> variants;
                if (family.sized)
                    variants = {{" 250g", "-250", 10}, {" 1kg", "-1K", 4}};
                else
                    variants = {{"", "", 10}};

                for (const Variant &v : variants) {
                    qint64 price2024 = basePrice;
                    if (v.skuSuffix == std::string_view("-1K"))
                        price2024 = roundHalfUp((basePrice + 1) * 34, 1000) * 100 - 1;
                    qint64 current = price2024;
                    if (family.group == Group::Coffee || family.group == Group::Tea)
                        current = roundHalfUp((price2024 + 1) * 106, 5000) * 50 - 1;

                    int costPercent = 100;
                    switch (family.group) {
                    case Group::Coffee:
                        costPercent = int(rng.between(38, 46));
                        break;
                    case Group::Tea:
                        costPercent = int(rng.between(30, 40));
                        break;
                    case Group::Equipment:
                        costPercent = int(rng.between(55, 68));
                        break;
                    case Group::Accessory:
                        costPercent = int(rng.between(35, 50));
                        break;
                    case Group::GiftCard:
                        break;
                    }

                    const qint64 id = qint64(m_data.products.size()) + 1;
                    char sku[32];
                    std::snprintf(sku, sizeof sku, "%s-%03d%s", family.skuPrefix, itemNumber,
                                  v.skuSuffix);
                    m_data.products.push_back(
                        {id, sku, QByteArray(name) + v.suffix, family.categoryId, current,
                         roundHalfUp(current * costPercent, 100), launched, discontinued});
                    const int popularity = int(qint64(family.popularity) * v.popularity
                                               * rng.between(50, 150) / 100);
                    m_products.push_back({family.group, price2024, std::max(popularity, 1)});
                }
            }
        }
        quint64 running = 0;
        for (const ProductFacts &p : m_products) {
            running += quint64(p.popularity);
            m_productCumulative.push_back(running);
        }
        // The 250g House Blend: always on sale, the fallback when nothing else fits.
        for (std::size_t i = 0; i < m_data.products.size(); ++i) {
            if (m_data.products[i].sku == "BL-001-250")
                m_fallbackProduct = i;
        }
    }

    void buildPlans()
    {
        for (const PlanSpec &p : kPlans)
            m_data.plans.push_back(
                {p.code, p.name, p.interval, p.priceCents, p.bags, p.launchedOn});
    }

    void buildCustomers()
    {
        DemoRandom rng = random(CustomerStream);
        constexpr int kCustomers = 2600;
        constexpr int kMonthWeights[12] = {120, 100, 100, 95, 95, 90, 85, 90, 100, 105, 125, 130};

        std::vector<quint64> cumulative;
        quint64 running = 0;
        for (Day day = 0; day < kDays; ++day) {
            running
                += quint64(kMonthWeights[civilOf(day).month - 1]) * quint64(1000 + 600 * day / 730);
            cumulative.push_back(running);
        }
        m_signups.reserve(kCustomers);
        for (int i = 0; i < kCustomers; ++i)
            m_signups.push_back(momentOn(rng, Day(rng.cumulative(cumulative))));
        std::sort(m_signups.begin(), m_signups.end());
        // Launch day: the first customer signs up in the first minutes of 2024.
        m_signups.front() = qint64(rng.between(60, 900));

        std::vector<int> regionWeights;
        for (const RegionSpec &r : kRegions)
            regionWeights.push_back(r.customerWeight);

        QSet<QByteArray> usedEmails;
        for (int i = 0; i < kCustomers; ++i) {
            const qint64 id = i + 1;
            const QByteArray first = pickOne(rng, kFirstNames);
            const QByteArray last = pickOne(rng, kLastNames);
            const bool business = rng.chance(0.04);
            const int region = int(rng.weighted(regionWeights));
            QByteArray channel = pickChoice(rng, kAcquisitionChannels);
            std::optional<qint64> referredBy;
            if (channel == "referral") {
                if (i == 0)
                    channel = "direct";
                else
                    referredBy = qint64(rng.below(quint64(i))) + 1; // always an earlier customer
            }
            const QByteArray domain = business ? QByteArray(pickOne(rng, kCompanyDomains))
                                               : QByteArray(pickChoice(rng, kConsumerDomains));
            QByteArray local = first.toLower() + '.' + last.toLower();
            if (usedEmails.contains(local + '@' + domain))
                local += QByteArray::number(id);
            const QByteArray email = local + '@' + domain;
            usedEmails.insert(email);

            m_data.customers.push_back({id, first, last, email, region + 1,
                                        m_signups[std::size_t(i)], channel, referredBy,
                                        business ? "business" : "consumer", rng.chance(0.62)});
            m_customers.push_back({region, business, rng.chance(0.14), false});
            if (m_customers.back().regular)
                m_regulars.push_back(std::size_t(i));
        }
    }

    void buildCampaigns()
    {
        DemoRandom rng = random(CampaignStream);
        for (int monthIndex = 0; monthIndex < 24; ++monthIndex) {
            const int year = 2024 + monthIndex / 12;
            const int month = monthIndex % 12 + 1;
            const Day monthStart = dayOf(year, month, 1);
            const Day monthEnd = addMonths(monthStart, 1) - 1;
            const bool holiday = month >= 11;
            const int count = holiday || rng.chance(0.45) ? 2 : 1;
            QByteArray firstChannel;
            for (int n = 0; n < count; ++n) {
                QByteArray channel = pickChoice(rng, kCampaignChannels);
                while (channel == firstChannel)
                    channel = pickChoice(rng, kCampaignChannels);
                if (n == 0)
                    firstChannel = channel;

                Day start = monthStart + Day(rng.between(0, 9));
                Day end = start + Day(rng.between(6, 27));
                if (month == 11) {
                    const Day bf = blackFriday(year);
                    start = bf - Day(rng.between(5, 8));
                    end = bf + 4; // through Cyber Monday
                } else if (month == 12) {
                    start = monthStart + Day(rng.between(0, 4));
                    end = dayOf(year, 12, 22);
                }
                end = std::min({end, monthEnd + 10, kDays - 1});

                qint64 budgetDollars = rng.between(8, 120) * 100;
                if (holiday)
                    budgetDollars *= 2;
                QByteArray name
                    = QByteArray(kCampaignThemes[month - 1]) + ' ' + QByteArray::number(year);
                if (count > 1)
                    name += " (" + QByteArray(channel).replace('_', ' ') + ')';
                m_data.marketingCampaigns.push_back(
                    {0, name, channel, start, end, budgetDollars * 100});
            }
        }
        stableSortBy(m_data.marketingCampaigns, [](const auto &c) { return c.startedOn; });
        qint64 id = 0;
        for (auto &c : m_data.marketingCampaigns)
            c.id = ++id;
    }

    std::vector<quint64> orderDayWeights() const
    {
        constexpr int kMonthWeights[12] = {95, 80, 92, 92, 98, 88, 84, 86, 98, 108, 145, 170};
        constexpr int kWeekdayWeights[7] = {104, 100, 100, 100, 96, 92, 110};
        const Day bf2024 = blackFriday(2024);
        const Day bf2025 = blackFriday(2025);
        std::vector<quint64> cumulative;
        quint64 running = 0;
        for (Day day = 0; day < kDays; ++day) {
            const Civil c = civilOf(day);
            quint64 w = quint64(kMonthWeights[c.month - 1])
                * quint64(kWeekdayWeights[weekdayOf(day)]) * quint64(1000 + 550 * day / 730);
            for (const Day bf : {bf2024, bf2025}) {
                if (day == bf)
                    w = w * 3;
                else if (day > bf && day < bf + 3)
                    w = w * 18 / 10;
                else if (day == bf + 3) // Cyber Monday
                    w = w * 22 / 10;
            }
            if (c.month == 12 && c.day == 24)
                w = w * 6 / 10;
            else if (c.month == 12 && c.day == 25)
                w = w * 4 / 10;
            running += w;
            cumulative.push_back(running);
        }
        return cumulative;
    }

    std::size_t pickCustomerForOrder(DemoRandom &rng, Moment at)
    {
        const std::size_t known = std::max<std::size_t>(customersKnownAt(at), 1);
        const double r = rng.unit();
        if (r < 0.30) // someone who signed up recently
            return known - 1 - std::size_t(rng.below(std::min<std::size_t>(known, 40)));
        if (r < 0.58) {
            const auto regulars
                = std::size_t(std::upper_bound(m_regulars.begin(), m_regulars.end(), known - 1)
                              - m_regulars.begin());
            if (regulars > 0)
                return m_regulars[std::size_t(rng.below(regulars))];
        }
        return std::size_t(rng.below(known));
    }

    qint64 quantityFor(DemoRandom &rng, Group group)
    {
        switch (group) {
        case Group::Coffee:
            return qint64(rng.weighted({62, 27, 8, 3})) + 1;
        case Group::Tea:
            return qint64(rng.weighted({70, 22, 8})) + 1;
        case Group::Equipment:
            return rng.chance(0.96) ? 1 : 2;
        case Group::Accessory:
            return qint64(rng.weighted({70, 20, 6, 4})) + 1;
        case Group::GiftCard:
            return rng.chance(0.85) ? 1 : 2;
        }
        return 1;
    }

    void buildOrders()
    {
        DemoRandom rng = random(OrderStream);
        constexpr int kOrders = 7600;
        const std::vector<quint64> dayWeights = orderDayWeights();

        std::vector<Moment> moments;
        moments.reserve(kOrders);
        for (int i = 0; i < kOrders; ++i)
            moments.push_back(
                std::max(momentOn(rng, Day(rng.cumulative(dayWeights))), m_signups.front() + 60));
        std::sort(moments.begin(), moments.end());

        const Day bfDays[] = {blackFriday(2024), blackFriday(2025)};
        std::vector<PendingPayment> payments;
        std::vector<PendingRefund> refunds;
        std::vector<DemoDataSet::Shipment> shipments;

        for (int i = 0; i < kOrders; ++i) {
            const qint64 orderId = i + 1;
            const Moment at = moments[std::size_t(i)];
            const Day day = dayOfMoment(at);
            const std::size_t customer = pickCustomerForOrder(rng, at);
            CustomerFacts &facts = m_customers[customer];
            const RegionSpec &region = kRegions[facts.region];

            // Coupon, decided per order and applied to every line.
            std::optional<QByteArray> coupon;
            qint64 couponPercent = 0;
            const int year = civilOf(day).year;
            const bool blackFridayWeek
                = std::any_of(std::begin(bfDays), std::end(bfDays),
                              [day](Day bf) { return day >= bf - 3 && day <= bf + 3; });
            if (blackFridayWeek && rng.chance(0.55)) {
                coupon = "BF" + QByteArray::number(year);
                couponPercent = 20;
            } else if (!facts.hasOrdered && rng.chance(0.35)) {
                coupon = QByteArray("WELCOME10");
                couponPercent = 10;
            } else if (rng.chance(0.06)) {
                coupon = QByteArray("BREW15");
                couponPercent = 15;
            }
            facts.hasOrdered = true;

            // Lines: distinct products that were on sale that day.
            const int lineCount = int(rng.weighted({40, 30, 16, 9, 4, 1})) + 1;
            std::vector<std::size_t> chosen;
            for (int line = 0; line < lineCount; ++line) {
                for (int attempt = 0; attempt < 30; ++attempt) {
                    const std::size_t p = rng.cumulative(m_productCumulative);
                    if (available(p, day)
                        && std::find(chosen.begin(), chosen.end(), p) == chosen.end()) {
                        chosen.push_back(p);
                        break;
                    }
                }
            }
            if (chosen.empty())
                chosen.push_back(m_fallbackProduct);

            qint64 subtotal = 0;
            for (const std::size_t p : chosen) {
                const ProductFacts &pf = m_products[p];
                const qint64 quantity = quantityFor(rng, pf.group);
                const qint64 unitPrice
                    = day < kPriceChangeDay ? pf.price2024Cents : m_data.products[p].unitPriceCents;
                const qint64 discount = roundHalfUp(quantity * unitPrice * couponPercent, 100);
                m_data.orderItems.push_back({qint64(m_data.orderItems.size()) + 1, orderId,
                                             m_data.products[p].id, quantity, unitPrice, discount});
                subtotal += quantity * unitPrice - discount;
            }
            const qint64 shippingFee
                = subtotal >= kFreeShippingFromCents ? 0 : region.shippingFeeCents;
            const qint64 total = subtotal + shippingFee;

            DemoDataSet::Order order {orderId,
                                      m_data.customers[customer].id,
                                      at,
                                      {},
                                      pickChoice(rng, kSalesChannels),
                                      coupon,
                                      shippingFee,
                                      std::nullopt};
            OrderFacts of {customer, OrderState::Completed, std::nullopt, total};

            auto addPayment = [&](Moment paidAt, const char *method, qint64 installment,
                                  qint64 amount, const char *status) {
                const std::size_t seq = payments.size();
                payments.push_back(
                    {{0, orderId, paidAt, method, installment, amount, status}, seq});
                return seq;
            };
            const char *method = pickChoice(rng, kPaymentMethods);

            if (rng.chance(0.04)) {
                // Cancelled: most before the payment was captured, some after (then refunded).
                of.state = OrderState::Cancelled;
                const Moment cancelledAt
                    = std::min(at + rng.between(600, 2 * kSecondsPerDay), kEnd);
                order.cancelledAt = cancelledAt;
                if (rng.chance(0.4)) {
                    const std::size_t seq
                        = addPayment(at + rng.between(5, 120), method, 1, total, "captured");
                    refunds.push_back({seq, cancelledAt, total, "order_cancelled"});
                }
            } else {
                // Payments: occasionally a declined card first; big baskets often in two
                // installments.
                std::vector<std::size_t> captured;
                if (rng.chance(0.02)) {
                    addPayment(at + rng.between(5, 60), "card", 1, total, "failed");
                    captured.push_back(addPayment(at + rng.between(120, 900),
                                                  rng.chance(0.5) ? "paypal" : "card", 1, total,
                                                  "captured"));
                } else if (total >= 12000 && rng.chance(0.45) && at + 30 * kSecondsPerDay <= kEnd) {
                    const qint64 first = (total + 1) / 2;
                    captured.push_back(
                        addPayment(at + rng.between(5, 120), "pay_in_2", 1, first, "captured"));
                    captured.push_back(addPayment(at + 30 * kSecondsPerDay + rng.between(0, 3600),
                                                  "pay_in_2", 2, total - first, "captured"));
                } else {
                    captured.push_back(
                        addPayment(at + rng.between(5, 120), method, 1, total, "captured"));
                }

                // Shipments: one parcel, sometimes split when the basket is big.
                const bool primaryCarrier = rng.chance(0.75);
                const CarrierSpec &carrier = primaryCarrier ? region.primary : region.secondary;
                const int parcels = chosen.size() >= 3 && rng.chance(0.12) ? 2 : 1;
                Moment shippedAt = at + rng.between(2 * 3600, 3 * kSecondsPerDay);
                bool allDelivered = true;
                int shippedParcels = 0;
                Moment lastDelivered = 0;
                for (int parcel = 0; parcel < parcels; ++parcel) {
                    if (parcel > 0)
                        shippedAt += rng.between(1, 4) * kSecondsPerDay;
                    if (shippedAt > kEnd)
                        break;
                    ++shippedParcels;
                    const Moment deliveredAt = shippedAt
                        + rng.between(region.minTransitDays, region.maxTransitDays) * kSecondsPerDay
                        + rng.between(0, 8 * 3600);
                    std::optional<Moment> delivered;
                    if (deliveredAt <= kEnd) {
                        delivered = deliveredAt;
                        lastDelivered = std::max(lastDelivered, deliveredAt);
                    } else {
                        allDelivered = false;
                    }
                    shipments.push_back({0, orderId, carrier.name,
                                         fillPattern(rng, carrier.trackingPattern), shippedAt,
                                         delivered, delivered ? "delivered" : "in_transit"});
                }

                if (shippedParcels == 0) {
                    of.state = OrderState::Processing;
                } else if (shippedParcels < parcels || !allDelivered) {
                    of.state = OrderState::Shipped;
                } else {
                    of.lastDeliveredAt = lastDelivered;
                    const Moment lastPaid = payments[captured.back()].row.paidAt;
                    if (rng.chance(0.035) && lastDelivered + 30 * kSecondsPerDay <= kEnd) {
                        of.state = OrderState::Returned;
                        const Moment refundAt
                            = std::min(std::max(lastDelivered + rng.between(3, 25) * kSecondsPerDay,
                                                lastPaid + 3600),
                                       kEnd);
                        for (const std::size_t seq : captured)
                            refunds.push_back(
                                {seq, refundAt, payments[seq].row.amountCents, "returned"});
                    } else if (rng.chance(0.025)) {
                        // A goodwill refund on one line, against the last captured payment.
                        const auto &lines = m_data.orderItems;
                        const auto &line
                            = lines[lines.size() - 1 - std::size_t(rng.below(chosen.size()))];
                        const qint64 lineValue
                            = line.quantity * line.unitPriceCents - line.discountCents;
                        const qint64 amount
                            = std::min(roundHalfUp(lineValue * rng.between(10, 50), 100),
                                       payments[captured.back()].row.amountCents);
                        const Moment refundAt
                            = std::min(std::max(lastDelivered + rng.between(1, 10) * kSecondsPerDay,
                                                lastPaid + 3600),
                                       kEnd);
                        refunds.push_back(
                            {captured.back(), refundAt, amount, pickChoice(rng, kGoodwillReasons)});
                    }
                }
            }

            switch (of.state) {
            case OrderState::Processing:
                order.status = "processing";
                break;
            case OrderState::Shipped:
                order.status = "shipped";
                break;
            case OrderState::Completed:
                order.status = "completed";
                break;
            case OrderState::Returned:
                order.status = "returned";
                break;
            case OrderState::Cancelled:
                order.status = "cancelled";
                break;
            }
            m_data.orders.push_back(std::move(order));
            m_orders.push_back(of);
        }
        m_orderMoments = std::move(moments);

        // Payment, refund and shipment ids follow time, as a real system would hand them out.
        stableSortBy(payments, [](const PendingPayment &p) { return p.row.paidAt; });
        std::vector<qint64> paymentIdBySeq(payments.size());
        for (std::size_t i = 0; i < payments.size(); ++i) {
            payments[i].row.id = qint64(i) + 1;
            paymentIdBySeq[payments[i].seq] = qint64(i) + 1;
            m_data.payments.push_back(std::move(payments[i].row));
        }
        stableSortBy(refunds, [](const PendingRefund &r) { return r.at; });
        for (const PendingRefund &r : refunds)
            m_data.refunds.push_back({qint64(m_data.refunds.size()) + 1,
                                      paymentIdBySeq[r.paymentSeq], r.at, r.amountCents, r.reason});
        stableSortBy(shipments, [](const DemoDataSet::Shipment &s) { return s.shippedAt; });
        qint64 shipmentId = 0;
        for (auto &s : shipments)
            s.id = ++shipmentId;
        m_data.shipments = std::move(shipments);
    }

    void subscribe(DemoRandom &rng, std::size_t customer, int plan, Day start, int depth)
    {
        if (start >= kDays)
            return;
        if (kPlans[plan].launchedOn > start)
            plan = RoasterMonthly;
        const PlanSpec &spec = kPlans[plan];
        const bool annual = spec.interval == std::string_view("year");

        std::optional<Day> cancelledOn;
        for (int period = 1;; ++period) {
            const Day renewal = addMonths(start, annual ? 12 * period : period);
            if (renewal >= kDays)
                break;
            const double churn = annual ? 0.22 : (period == 1 ? 0.09 : 0.04);
            if (rng.chance(churn)) {
                cancelledOn = std::max(start + 1, renewal - Day(rng.between(0, 12)));
                break;
            }
        }

        DemoDataSet::Subscription row {0,
                                       m_data.customers[customer].id,
                                       spec.code,
                                       "active",
                                       start,
                                       cancelledOn,
                                       std::nullopt,
                                       annual ? roundHalfUp(spec.priceCents, 12) : spec.priceCents};
        if (!cancelledOn) {
            if (rng.chance(0.05))
                row.status = "paused";
            m_data.subscriptions.push_back(std::move(row));
            return;
        }
        row.status = "cancelled";
        const QByteArray reason = pickChoice(rng, kCancelReasons);
        row.cancelReason = reason;
        m_data.subscriptions.push_back(std::move(row));
        if (depth >= 3)
            return;
        if (reason == "plan_change") {
            // Up- and downgrades start the new plan the day the old one ends.
            int next = RoasterMonthly;
            switch (plan) {
            case ExplorerMonthly:
                next = rng.chance(0.7) ? RoasterMonthly : ExplorerAnnual;
                break;
            case ExplorerAnnual:
                next = RoasterAnnual;
                break;
            case RoasterMonthly:
                next = rng.chance(0.6) ? ExplorerMonthly : RoasterAnnual;
                break;
            case RoasterAnnual:
                next = ExplorerAnnual;
                break;
            default:
                next = RoasterMonthly;
            }
            subscribe(rng, customer, next, *cancelledOn, depth + 1);
        } else if (rng.chance(0.1)) {
            subscribe(rng, customer, int(rng.weighted({45, 10, 35, 10, 0})),
                      *cancelledOn + Day(rng.between(30, 240)), depth + 1);
        }
    }

    void buildSubscriptions()
    {
        DemoRandom rng = random(SubscriptionStream);
        for (std::size_t i = 0; i < m_data.customers.size(); ++i) {
            const bool business = m_customers[i].business;
            if (!rng.chance(business ? 0.55 : 0.26))
                continue;
            const Day signup = dayOfMoment(m_data.customers[i].signedUpAt);
            const Day start
                = signup + Day(rng.chance(0.4) ? rng.between(0, 7) : rng.between(8, 150));
            const int plan = business ? (rng.chance(0.75) ? OfficeMonthly : RoasterMonthly)
                                      : int(rng.weighted({42, 14, 30, 10, 4}));
            subscribe(rng, i, plan, start, 0);
        }
        stableSortBy(m_data.subscriptions, [](const auto &s) { return s.startedOn; });
        qint64 id = 0;
        for (auto &s : m_data.subscriptions) {
            s.id = ++id;
            m_subscribers.push_back(std::size_t(s.customerId - 1));
        }
    }

    void buildMarketingEvents()
    {
        DemoRandom rng = random(EventStream);
        std::vector<DemoDataSet::MarketingEvent> events;
        for (const auto &campaign : m_data.marketingCampaigns) {
            const Moment from = qint64(campaign.startedOn) * kSecondsPerDay;
            const Moment to = std::min(qint64(campaign.endedOn + 1) * kSecondsPerDay - 1, kEnd);
            const auto ordersFrom
                = std::lower_bound(m_orderMoments.begin(), m_orderMoments.end(), from)
                - m_orderMoments.begin();
            const auto ordersTo = std::upper_bound(m_orderMoments.begin(), m_orderMoments.end(), to)
                - m_orderMoments.begin();
            const auto signupsFrom
                = std::lower_bound(m_signups.begin(), m_signups.end(), from) - m_signups.begin();
            const auto signupsTo
                = std::upper_bound(m_signups.begin(), m_signups.end(), to) - m_signups.begin();

            const qint64 count = 40 + campaign.budgetCents / 100 / 80;
            for (qint64 n = 0; n < count; ++n) {
                DemoDataSet::MarketingEvent e {0,
                                               campaign.id,
                                               std::nullopt,
                                               std::nullopt,
                                               "click",
                                               from + qint64(rng.below(quint64(to - from + 1))),
                                               pickChoice(rng, kDevices)};
                const std::size_t type = rng.weighted({60, 16, 10, 14});
                if (type == 3 && ordersTo > ordersFrom) {
                    const auto o = std::size_t(ordersFrom
                                               + qint64(rng.below(quint64(ordersTo - ordersFrom))));
                    e.eventType = "purchase";
                    e.orderId = m_data.orders[o].id;
                    e.customerId = m_data.orders[o].customerId;
                    e.occurredAt = m_data.orders[o].orderedAt;
                } else if (type == 2 && signupsTo > signupsFrom) {
                    const auto c = std::size_t(
                        signupsFrom + qint64(rng.below(quint64(signupsTo - signupsFrom))));
                    e.eventType = "signup";
                    e.customerId = m_data.customers[c].id;
                    e.occurredAt = m_data.customers[c].signedUpAt;
                } else {
                    if (type == 1)
                        e.eventType = "add_to_cart";
                    const std::size_t known = customersKnownAt(e.occurredAt);
                    const double anonymous = e.eventType == "add_to_cart" ? 0.2 : 0.45;
                    if (known > 0 && !rng.chance(anonymous))
                        e.customerId = m_data.customers[std::size_t(rng.below(known))].id;
                }
                events.push_back(std::move(e));
            }
        }
        stableSortBy(events, [](const auto &e) { return e.occurredAt; });
        qint64 id = 0;
        for (auto &e : events)
            e.id = ++id;
        m_data.marketingEvents = std::move(events);
    }

    void addTicket(DemoRandom &rng, std::vector<DemoDataSet::SupportTicket> &tickets,
                   qint64 customerId, std::optional<qint64> orderId, Moment openedAt,
                   const char *category)
    {
        const std::size_t priority = rng.weighted({25, 55, 15, 5});
        static const char *const kPriorities[] = {"low", "normal", "high", "urgent"};
        static const qint64 kMaxHours[] = {240, 120, 48, 24};
        static const qint64 kMinHours[] = {8, 4, 2, 1};
        const Moment closing
            = openedAt + rng.between(kMinHours[priority] * 3600, kMaxHours[priority] * 3600);

        DemoDataSet::SupportTicket t {0,
                                      customerId,
                                      orderId,
                                      openedAt,
                                      std::nullopt,
                                      category,
                                      kPriorities[priority],
                                      "closed",
                                      pickChoice(rng, kTicketChannels),
                                      std::nullopt};
        // A few tickets fall through the cracks and stay open for months.
        if (closing <= kEnd && !rng.chance(0.01)) {
            t.closedAt = closing;
            if (rng.chance(0.5)) {
                const bool unhappy = t.category == "damaged_item" || t.category == "shipping_delay";
                t.satisfactionScore = qint64(unhappy ? rng.weighted({12, 14, 20, 30, 24})
                                                     : rng.weighted({4, 6, 12, 34, 44}))
                    + 1;
            }
        } else {
            t.status = rng.chance(0.6) ? "open" : "pending";
        }
        tickets.push_back(std::move(t));
    }

    void buildSupportTickets()
    {
        DemoRandom rng = random(TicketStream);
        std::vector<DemoDataSet::SupportTicket> tickets;
        constexpr int kTickets = 2050;
        constexpr int kWithoutOrder = 600;

        // Most returns start with a ticket.
        for (std::size_t o = 0; o < m_orders.size(); ++o) {
            if (m_orders[o].state != OrderState::Returned || !rng.chance(0.65))
                continue;
            const Moment opened
                = *m_orders[o].lastDeliveredAt + rng.between(3600, 5 * kSecondsPerDay);
            if (opened <= kEnd)
                addTicket(rng, tickets, m_data.orders[o].customerId, m_data.orders[o].id, opened,
                          "return_request");
        }

        // Questions and complaints about a particular order.
        const int withOrder = kTickets - kWithoutOrder - int(tickets.size());
        for (int n = 0, attempts = 0; n < withOrder && attempts < 20 * kTickets; ++attempts) {
            const auto o = std::size_t(rng.below(m_orders.size()));
            const OrderFacts &of = m_orders[o];
            const auto &order = m_data.orders[o];
            const char *category = nullptr;
            Moment opened = 0;
            switch (of.state) {
            case OrderState::Cancelled:
                category = rng.chance(0.6) ? "billing" : "order_change";
                opened = *order.cancelledAt + rng.between(600, 2 * kSecondsPerDay);
                break;
            case OrderState::Processing:
            case OrderState::Shipped:
                category = rng.chance(0.7) ? "shipping_delay" : "order_change";
                opened = order.orderedAt + rng.between(3600, 6 * kSecondsPerDay);
                break;
            case OrderState::Completed:
            case OrderState::Returned:
                category = pickChoice(rng, kDeliveredOrderTopics);
                opened = std::string_view(category) == "damaged_item"
                    ? *of.lastDeliveredAt + rng.between(3600, 4 * kSecondsPerDay)
                    : order.orderedAt + rng.between(3600, 10 * kSecondsPerDay);
                break;
            }
            if (opened > kEnd)
                continue;
            addTicket(rng, tickets, order.customerId, order.id, opened, category);
            ++n;
        }

        // Account, subscription and product questions not tied to an order.
        for (int n = 0; n < kWithoutOrder;) {
            const bool subscriber = !m_subscribers.empty() && rng.chance(0.5);
            const std::size_t c = subscriber
                ? m_subscribers[std::size_t(rng.below(m_subscribers.size()))]
                : std::size_t(rng.below(m_data.customers.size()));
            const Moment since = m_data.customers[c].signedUpAt;
            const Moment opened = since + qint64(rng.below(quint64(kEnd - since + 1)));
            const char *category = subscriber ? pickChoice(rng, kSubscriberTopics)
                                              : pickChoice(rng, kCustomerTopics);
            addTicket(rng, tickets, m_data.customers[c].id, std::nullopt, opened, category);
            ++n;
        }

        stableSortBy(tickets, [](const auto &t) { return t.openedAt; });
        qint64 id = 0;
        for (auto &t : tickets)
            t.id = ++id;
        m_data.supportTickets = std::move(tickets);
    }

    const quint64 m_seed;
    DemoDataSet &m_data;

    std::vector<ProductFacts> m_products;
    std::vector<quint64> m_productCumulative;
    std::size_t m_fallbackProduct = 0;
    std::vector<CustomerFacts> m_customers;
    std::vector<Moment> m_signups; // by customer index, ascending
    std::vector<std::size_t> m_regulars;
    std::vector<OrderFacts> m_orders;
    std::vector<Moment> m_orderMoments; // by order index, ascending
    std::vector<std::size_t> m_subscribers;
};

} // namespace

DemoDataSet DemoDataSet::build(quint64 seed)
{
    DemoDataSet data;
    Builder(seed, data).run();
    return data;
}

QByteArray DemoDataSet::dateText(Day day)
{
    const Civil c = civilOf(day);
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", c.year, c.month, c.day);
    return QByteArray(text);
}

QByteArray DemoDataSet::momentText(Moment moment)
{
    const Day day = Day(moment / kSecondsPerDay);
    const qint64 second = moment % kSecondsPerDay;
    const Civil c = civilOf(day);
    char text[24];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day,
                  int(second / 3600), int(second / 60 % 60), int(second % 60));
    return QByteArray(text);
}

} // namespace ktx

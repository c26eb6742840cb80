#include "scan/englishinflector.h"

#include <QHash>
#include <QSet>

namespace ktx {

namespace {

struct Irregular
{
    const char *singular;
    const char *plural;
};

const Irregular kIrregulars[] = {
    {"person", "people"},
    {"man", "men"},
    {"woman", "women"},
    {"child", "children"},
    {"foot", "feet"},
    {"tooth", "teeth"},
    {"goose", "geese"},
    {"mouse", "mice"},
    {"ox", "oxen"},
    {"criterion", "criteria"},
    {"phenomenon", "phenomena"},
    {"analysis", "analyses"},
    {"basis", "bases"},
    {"crisis", "crises"},
    {"thesis", "theses"},
    {"diagnosis", "diagnoses"},
    {"axis", "axes"},
    {"index", "indices"},
    {"matrix", "matrices"},
    {"vertex", "vertices"},
    {"appendix", "appendices"},
    {"leaf", "leaves"},
    {"life", "lives"},
    {"wife", "wives"},
    {"knife", "knives"},
    {"half", "halves"},
    {"shelf", "shelves"},
    {"wolf", "wolves"},
    {"calf", "calves"},
    {"thief", "thieves"},
    {"hero", "heroes"},
    {"potato", "potatoes"},
    {"tomato", "tomatoes"},
    {"echo", "echoes"},
    {"veto", "vetoes"},
    {"movie", "movies"},
    {"cookie", "cookies"},
    {"zombie", "zombies"},
    {"calorie", "calories"},
    {"pie", "pies"},
    {"tie", "ties"},
    {"lie", "lies"},
    {"cache", "caches"},
    {"niche", "niches"},
    {"alias", "aliases"},
    {"bias", "biases"},
    {"atlas", "atlases"},
    {"canvas", "canvases"},
    {"gas", "gases"},
    {"bus", "buses"},
    {"excuse", "excuses"},
    {"quiz", "quizzes"},
    {"die", "dice"},
};

// Words whose singular and plural are the same, or that have no plural in data names.
const char *const kUncountables[] = {
    "data",     "metadata", "information", "equipment", "news",      "series",
    "species",  "sheep",    "fish",        "deer",      "aircraft",  "software",
    "hardware", "feedback", "staff",       "media",     "analytics", "mail",
};

const QHash<QString, QString> &singularByPlural()
{
    static const QHash<QString, QString> map = [] {
        QHash<QString, QString> m;
        for (const Irregular &irregular : kIrregulars)
            m.insert(QLatin1String(irregular.plural), QLatin1String(irregular.singular));
        return m;
    }();
    return map;
}

const QHash<QString, QString> &pluralBySingular()
{
    static const QHash<QString, QString> map = [] {
        QHash<QString, QString> m;
        for (const Irregular &irregular : kIrregulars)
            m.insert(QLatin1String(irregular.singular), QLatin1String(irregular.plural));
        return m;
    }();
    return map;
}

const QSet<QString> &uncountables()
{
    static const QSet<QString> set = [] {
        QSet<QString> s;
        for (const char *word : kUncountables)
            s.insert(QLatin1String(word));
        return s;
    }();
    return set;
}

bool isVowel(QChar c)
{
    return c == u'a' || c == u'e' || c == u'i' || c == u'o' || c == u'u';
}

// "salesman", "chairwoman", "foreman" pluralise with -men; "human", "german" do not.
bool isManCompound(const QString &word)
{
    if (!word.endsWith(QLatin1String("man")))
        return false;
    return word.endsWith(QLatin1String("sman")) || word.endsWith(QLatin1String("woman"))
        || word.endsWith(QLatin1String("chairman")) || word.endsWith(QLatin1String("foreman"))
        || word.endsWith(QLatin1String("fireman")) || word.endsWith(QLatin1String("policeman"));
}

} // namespace

QString EnglishInflector::singular(const QString &input)
{
    const QString word = input.toLower();
    if (word.size() < 3 || uncountables().contains(word))
        return word;
    if (const auto it = singularByPlural().constFind(word); it != singularByPlural().cend())
        return it.value();
    // Words that are already singular: "person", "status", "address", "analysis".
    if (pluralBySingular().contains(word))
        return word;
    if (word.endsWith(QLatin1String("men"))
        && isManCompound(word.left(word.size() - 3) + QLatin1String("man")))
        return word.left(word.size() - 3) + QLatin1String("man");
    if (word.endsWith(QLatin1String("people")))
        return word.left(word.size() - 6) + QLatin1String("person");
    if (word.endsWith(QLatin1String("ss")) || word.endsWith(QLatin1String("us"))
        || word.endsWith(QLatin1String("is")))
        return word;

    // "movies", "cookies" and the like are irregulars above.
    if (word.endsWith(QLatin1String("ies")))
        return word.left(word.size() - 3) + QLatin1Char('y');
    if (word.endsWith(QLatin1String("sses")) || word.endsWith(QLatin1String("shes"))
        || word.endsWith(QLatin1String("ches")) || word.endsWith(QLatin1String("xes"))
        || word.endsWith(QLatin1String("zzes")))
        return word.left(word.size() - (word.endsWith(QLatin1String("zzes")) ? 3 : 2));
    if (word.endsWith(QLatin1String("yses"))) // "paralyses"; "analyses" is an irregular
        return word.left(word.size() - 2) + QLatin1String("is");
    if (word.endsWith(QLatin1String("uses"))) {
        // "statuses" -> "status", "bonuses" -> "bonus"; but "houses", "causes" -> "-se".
        const QChar before = word.size() > 4 ? word.at(word.size() - 5) : QChar();
        if (isVowel(before))
            return word.left(word.size() - 1);
        return word.left(word.size() - 2);
    }
    if (word.endsWith(QLatin1String("children")))
        return word.left(word.size() - 3);
    if (word.endsWith(QLatin1Char('s')) && !word.endsWith(QLatin1String("ss")))
        return word.left(word.size() - 1);
    return word;
}

QString EnglishInflector::plural(const QString &input)
{
    const QString word = input.toLower();
    if (word.isEmpty() || uncountables().contains(word))
        return word;
    if (const auto it = pluralBySingular().constFind(word); it != pluralBySingular().cend())
        return it.value();
    if (singularByPlural().contains(word))
        return word; // already plural
    if (isManCompound(word))
        return word.left(word.size() - 3) + QLatin1String("men");
    if (word.endsWith(QLatin1String("person")))
        return word.left(word.size() - 6) + QLatin1String("people");
    if (word.endsWith(QLatin1String("child")))
        return word + QLatin1String("ren");
    if (word.endsWith(QLatin1Char('y')) && word.size() > 1 && !isVowel(word.at(word.size() - 2)))
        return word.left(word.size() - 1) + QLatin1String("ies");
    if (word.endsWith(QLatin1Char('s')) || word.endsWith(QLatin1Char('x'))
        || word.endsWith(QLatin1Char('z')) || word.endsWith(QLatin1String("ch"))
        || word.endsWith(QLatin1String("sh")))
        return word + QLatin1String("es");
    return word + QLatin1Char('s');
}

QString EnglishInflector::singularIdentifier(const QString &identifier)
{
    const qsizetype cut = identifier.lastIndexOf(QLatin1Char('_'));
    if (cut < 0)
        return singular(identifier);
    return identifier.left(cut + 1) + singular(identifier.mid(cut + 1));
}

QString EnglishInflector::pluralIdentifier(const QString &identifier)
{
    const qsizetype cut = identifier.lastIndexOf(QLatin1Char('_'));
    if (cut < 0)
        return plural(identifier);
    return identifier.left(cut + 1) + plural(identifier.mid(cut + 1));
}

} // namespace ktx

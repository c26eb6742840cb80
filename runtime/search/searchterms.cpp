#include "search/searchterms.h"

#include <QSet>

namespace ktx {

namespace {

const QSet<QString> &stopWords()
{
    static const QSet<QString> words {
        QStringLiteral("a"),     QStringLiteral("an"),   QStringLiteral("and"),
        QStringLiteral("are"),   QStringLiteral("as"),   QStringLiteral("at"),
        QStringLiteral("be"),    QStringLiteral("by"),   QStringLiteral("for"),
        QStringLiteral("from"),  QStringLiteral("how"),  QStringLiteral("in"),
        QStringLiteral("is"),    QStringLiteral("it"),   QStringLiteral("of"),
        QStringLiteral("on"),    QStringLiteral("or"),   QStringLiteral("per"),
        QStringLiteral("the"),   QStringLiteral("to"),   QStringLiteral("what"),
        QStringLiteral("which"), QStringLiteral("with"), QStringLiteral("do"),
        QStringLiteral("does"),  QStringLiteral("we"),   QStringLiteral("our")};
    return words;
}

} // namespace

QStringList SearchTerms::parse(const QString &text)
{
    QStringList all;
    QString current;
    auto flush = [&] {
        if (!current.isEmpty() && !all.contains(current) && all.size() < MaxTerms)
            all << current;
        current.clear();
    };
    for (const QChar c : text) {
        // Letters and digits only; combining marks stay with their letter.
        if (c.isLetterOrNumber() || c.category() == QChar::Mark_NonSpacing)
            current += c.toLower();
        else
            flush();
    }
    flush();
    QStringList kept;
    for (const QString &term : std::as_const(all)) {
        if (!stopWords().contains(term))
            kept << term;
    }
    return kept.isEmpty() ? all : kept;
}

QString SearchTerms::matchAny(const QStringList &terms)
{
    QStringList quoted;
    for (const QString &term : terms)
        quoted << QLatin1Char('"') + term + QLatin1Char('"');
    return quoted.join(QStringLiteral(" OR "));
}

QString SearchTerms::matchAnyPrefix(const QStringList &terms)
{
    QStringList quoted;
    for (const QString &term : terms)
        quoted << QLatin1Char('"') + term + QStringLiteral("\"*");
    return quoted.join(QStringLiteral(" OR "));
}

int SearchTerms::countContained(const QStringList &terms, const QString &lowerText)
{
    int n = 0;
    for (const QString &term : terms) {
        if (lowerText.contains(term))
            ++n;
    }
    return n;
}

} // namespace ktx

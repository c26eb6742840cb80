#include "sources/sourceyamlmerge.h"

#include "semantic/sourceloader.h"

#include <QRegularExpression>

namespace ktx {

YamlValue SourceYamlMerge::valueOf(const YamlNode &node)
{
    if (node.isMapping()) {
        YamlValue v = YamlValue::mapping();
        for (const YamlEntry &e : node.entries)
            v.insert(e.key.text, valueOf(e.value));
        return v;
    }
    if (node.isSequence()) {
        YamlValue v = YamlValue::list();
        for (const YamlNode &item : node.items)
            v.append(valueOf(item));
        return v;
    }
    if (node.scalarStyle != YamlNode::ScalarStyle::Plain)
        return YamlValue::string(node.text);
    if (node.isNull())
        return YamlValue::null();
    if (node.text == QLatin1String("true") || node.text == QLatin1String("false"))
        return YamlValue::boolean(node.text == QLatin1String("true"));
    static const QRegularExpression integer(QStringLiteral("^-?[0-9]+$"));
    if (integer.match(node.text).hasMatch())
        return YamlValue::integer(node.text.toLongLong());
    return YamlValue::string(node.text);
}

const YamlValue *SourceYamlMerge::entry(const YamlValue &map, const QString &key)
{
    for (const auto &[k, v] : map.entries())
        if (k == key)
            return &v;
    return nullptr;
}

YamlValue SourceYamlMerge::mergeValue(const YamlValue &base, const YamlValue &over)
{
    if (base.type() != YamlValue::Type::Mapping || over.type() != YamlValue::Type::Mapping)
        return over;
    YamlValue out = base;
    for (const auto &[k, v] : over.entries()) {
        const YamlValue *b = entry(base, k);
        out.insert(k, b ? mergeValue(*b, v) : v);
    }
    return out;
}

YamlValue SourceYamlMerge::mergeList(const YamlNode *existing, const QList<YamlValue> &ours,
                                     const std::function<QString(const YamlValue &)> &key)
{
    YamlValue out = YamlValue::list();
    QList<YamlValue> pending = ours;
    if (existing && existing->isSequence()) {
        for (const YamlNode &item : existing->items) {
            YamlValue v = valueOf(item);
            for (qsizetype i = 0; i < pending.size(); ++i) {
                if (key(pending.at(i)) == key(v)) {
                    v = mergeValue(v, pending.takeAt(i));
                    break;
                }
            }
            out.append(v);
        }
    }
    for (const YamlValue &v : std::as_const(pending))
        out.append(v);
    return out;
}

QString SourceYamlMerge::nameOf(const YamlValue &v)
{
    const YamlValue *n = entry(v, QStringLiteral("name"));
    return n ? n->scalarText() : QString();
}

QString SourceYamlMerge::joinKey(const YamlValue &v)
{
    const YamlValue *to = entry(v, QStringLiteral("to"));
    const YamlValue *alias = entry(v, QStringLiteral("alias"));
    return (to ? to->scalarText() : QString()) + QLatin1Char('|')
        + (alias ? alias->scalarText() : QString());
}

QHash<QString, SemanticSource>
SourceYamlMerge::warehouseTables(const QMap<QString, QByteArray> &files, const QString &folder)
{
    QList<SemanticSource> manifest;
    QList<SemanticSource> standalone;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!it.key().startsWith(folder))
            continue;
        if (it.key().contains(QLatin1String("/_schema/"))) {
            QList<SourceIssue> issues;
            manifest += SourceLoader::manifestEntries(it.value(), it.key(), &issues);
            continue;
        }
        for (const SourceLoader::Loaded &loaded : SourceLoader::fromYamlFile(it.value(), it.key()))
            if (loaded.source && !loaded.source->overlay && !loaded.source->table.isEmpty())
                standalone << *loaded.source;
    }
    QHash<QString, SemanticSource> tables;
    // Full names first, manifest before sources; then bare names in the same order.
    for (const bool bare : {false, true})
        for (const QList<SemanticSource> *set : {&manifest, &standalone})
            for (const SemanticSource &s : *set) {
                QString key = s.table.toLower();
                if (bare)
                    key = key.section(QLatin1Char('.'), -1);
                if (!key.isEmpty() && !tables.contains(key))
                    tables.insert(key, s);
            }
    return tables;
}

QString SourceYamlMerge::qualifyMeasureNames(const QString &expr, const QString &source,
                                             const QSet<QString> &measureNames)
{
    QString out;
    qsizetype i = 0;
    const qsizetype n = expr.size();
    while (i < n) {
        const QChar c = expr.at(i);
        if (c == QLatin1Char('\'')) {
            const qsizetype end = expr.indexOf(QLatin1Char('\''), i + 1);
            const qsizetype stop = end < 0 ? n : end + 1;
            out += expr.mid(i, stop - i);
            i = stop;
            continue;
        }
        if (c.isLetter() || c == QLatin1Char('_')) {
            qsizetype j = i;
            while (j < n && (expr.at(j).isLetterOrNumber() || expr.at(j) == QLatin1Char('_')))
                ++j;
            const QString word = expr.mid(i, j - i);
            qsizetype k = j;
            while (k < n && expr.at(k).isSpace())
                ++k;
            const bool qualified = i > 0 && expr.at(i - 1) == QLatin1Char('.');
            const bool callOrQualifier
                = k < n && (expr.at(k) == QLatin1Char('(') || expr.at(k) == QLatin1Char('.'));
            if (!qualified && !callOrQualifier && measureNames.contains(word))
                out += source + QLatin1Char('.') + word;
            else
                out += word;
            i = j;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

QString SourceYamlMerge::existingSourceFile(const QMap<QString, QByteArray> &files,
                                            const QString &folder, const QString &source)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        if (it.key().startsWith(folder) && !it.key().contains(QLatin1String("/_schema/"))
            && SourceLoader::peekName(it.value()) == source)
            return it.key();
    return {};
}

} // namespace ktx

#include "ingest/wikipagetext.h"

#include "project/yamldocument.h"
#include "wiki/wikipage.h"
#include "wiki/wikistore.h"

#include <QRegularExpression>

namespace ktx {

namespace {

const QRegularExpression &linkPattern()
{
    static const QRegularExpression p(QStringLiteral("\\[\\[([^\\]|]+)(?:\\|([^\\]]*))?\\]\\]"));
    return p;
}

// Splits "---\n<yaml>\n---\n<body>" into its two parts.
bool split(const QByteArray &text, QByteArray *frontMatter, QByteArray *body, qsizetype *fmStart,
           qsizetype *fmEnd)
{
    if (!text.startsWith("---\n") && !text.startsWith("---\r\n"))
        return false;
    const qsizetype start = text.indexOf('\n') + 1;
    qsizetype end = text.indexOf("\n---", start - 1);
    while (end >= 0) {
        const qsizetype after = end + 4;
        if (after >= text.size() || text.at(after) == '\n' || text.at(after) == '\r')
            break;
        end = text.indexOf("\n---", after);
    }
    if (end < 0)
        return false;
    *fmStart = start;
    *fmEnd = end + 1;
    *frontMatter = text.mid(start, end + 1 - start);
    const qsizetype bodyStart = text.indexOf('\n', end + 1);
    *body = bodyStart < 0 ? QByteArray() : text.mid(bodyStart + 1);
    return true;
}

} // namespace

bool WikiPageText::isValidKey(const QString &key)
{
    // "revenue.md" is a model's slip for "revenue": refused rather than
    // written as revenue.md.md.
    return WikiStore::isValidKey(key) && !key.endsWith(QLatin1String(".md"));
}

Result<WikiPageText> WikiPageText::parse(const QByteArray &text)
{
    // runtime/wiki's parser, so ingest accepts exactly the pages the wiki,
    // search and the desktop can read.
    Result<WikiPage> page = WikiPage::parse(text);
    if (!page)
        return page.error();
    WikiPageText out;
    out.summary = page->summary.trimmed();
    out.refs = page->refs;
    out.slRefs = page->slRefs;
    out.links = page->wikiLinks();
    out.body = page->body;
    return out;
}

QByteArray WikiPageText::withoutRef(const QByteArray &text, const QString &listKey,
                                    const QString &target)
{
    QByteArray fm;
    QByteArray body;
    qsizetype s = 0, e = 0;
    if (!split(text, &fm, &body, &s, &e))
        return text;
    QByteArray out = text;
    auto doc = YamlDocument::parse(fm);
    if (doc.ok() && doc->root() && doc->root()->isMapping()) {
        if (const YamlNode *list = doc->root()->find(listKey); list && list->isSequence()) {
            // Remove the item's bytes; a block item takes its whole line.
            for (auto it = list->items.crbegin(); it != list->items.crend(); ++it) {
                if (it->text != target)
                    continue;
                if (list->flow) {
                    qsizetype from = it->start.offset;
                    qsizetype to = it->end.offset;
                    // Take one neighbouring comma with it.
                    const qsizetype comma = fm.indexOf(',', to);
                    const qsizetype close = fm.indexOf(']', to);
                    if (comma >= 0 && (close < 0 || comma < close))
                        to = comma + 1;
                    else if (const qsizetype prev = fm.lastIndexOf(',', from);
                             prev >= list->start.offset)
                        from = prev;
                    fm.remove(from, to - from);
                } else {
                    const qsizetype lineStart = fm.lastIndexOf('\n', it->start.offset - 1) + 1;
                    qsizetype lineEnd
                        = fm.indexOf('\n', it->end.offset > 0 ? it->end.offset - 1 : 0);
                    lineEnd = lineEnd < 0 ? fm.size() : lineEnd + 1;
                    fm.remove(lineStart, lineEnd - lineStart);
                }
            }
            // An emptied block list reads as null; say [] instead.
            if (auto again = YamlDocument::parse(fm); again.ok() && again->root()) {
                const YamlNode *n = again->root()->find(listKey);
                if (n && n->isNull()) {
                    const qsizetype keyAt = fm.indexOf((listKey + QLatin1Char(':')).toUtf8());
                    if (keyAt >= 0)
                        fm.insert(keyAt + listKey.size() + 1, " []");
                }
            }
        }
        out = text.left(s) + fm + text.mid(e);
    }
    if (listKey == QLatin1String("refs")) {
        QByteArray f2;
        QByteArray b2;
        qsizetype s2 = 0, e2 = 0;
        if (split(out, &f2, &b2, &s2, &e2)) {
            QString bodyText = QString::fromUtf8(b2);
            QString result;
            qsizetype last = 0;
            auto it = linkPattern().globalMatch(bodyText);
            while (it.hasNext()) {
                const auto m = it.next();
                if (m.captured(1).trimmed() != target)
                    continue;
                result += bodyText.mid(last, m.capturedStart() - last);
                result += m.captured(2).isEmpty() ? m.captured(1) : m.captured(2);
                last = m.capturedEnd();
            }
            result += bodyText.mid(last);
            const qsizetype bodyStart = out.indexOf('\n', e2) + 1;
            out = out.left(bodyStart) + result.toUtf8();
        }
    }
    return out;
}

} // namespace ktx

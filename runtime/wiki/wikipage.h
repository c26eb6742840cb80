#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

namespace ktx {

enum class WikiScope { Global, User };

// One wiki page (ktx-spec §5): YAML front-matter, then a free-form Markdown body.
// Known keys are typed; any other key (pattern-page metadata such as intent,
// tables, sort_order, or keys a newer ktx adds) is kept with its value and
// written back, so editing a page never drops what we do not understand.
struct WikiPage
{
    QString key; // flat token, the file name without .md
    WikiScope scope = WikiScope::Global;
    QString userId; // User scope only

    QString summary; // required
    QStringList tags;
    QStringList refs; // other pages by key
    QStringList slRefs; // semantic sources: `name` or `connection.name`
    QString usageMode; // always | auto | never; empty when the page does not say
    QJsonArray externalRefs; // [{type, id}, ...]
    QString source; // origin when written by ingest (historic-sql, dbt, ...)
    QJsonObject usage; // historic-SQL pattern statistics
    QString staleSince;
    QString archivedSince;
    QStringList connections; // empty: the page applies to every connection
    QList<QPair<QString, QJsonValue>> extra; // unknown keys, in file order

    QString body; // everything after the closing `---` line, byte for byte

    // Keys the front-matter spelled out, so `refs: []` survives a round trip
    // while a page that never had `refs` does not grow one.
    QSet<QString> declaredKeys;

    // Errors carry the file name and the 1-based line of the problem.
    static Result<WikiPage> parse(const QByteArray &bytes, const QString &fileName = {});
    // Deterministic: known keys in a fixed order, then unknown keys in the order
    // they were read; nested mappings in key order.
    QByteArray serialize() const;

    // `[[key]]` links in the body (they count as refs), in order, without duplicates.
    QStringList wikiLinks() const;
    // refs plus wiki links, without duplicates.
    QStringList allRefs() const;
    // The body with each `[[key]]`, `[[key|label]]` and `[[key#section]]` as a
    // Markdown link to `<scheme>:<key>`, for a reader that follows them. Code
    // spans and fenced blocks stay as written.
    QString bodyWithLinks(const QString &scheme) const;

    QString scopeName() const; // GLOBAL | USER
    // The MCP form: global/<key> or user/<userId>/<key>.
    QString scopedKey() const;
    // Relative to the project: wiki/global/<key>.md or wiki/user/<id>/<key>.md.
    QString relativePath() const;
    // What the search lanes read: key, summary, body and tags.
    QString searchText() const;

    static const QStringList &usageModes();
};

} // namespace ktx

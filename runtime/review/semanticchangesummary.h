#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// What a change to a semantic-layer file or a wiki page means, beside its text
// diff: "measure `net_revenue` added to source `orders`", "join `orders →
// customers` changed to many_to_one", "page tag `finance` added". Built from
// the parsed base and new versions (SourceLoader, WikiPage), so reformatting
// alone says nothing.
class SemanticChangeSummary
{
public:
    // One sentence per change, in a stable order; empty for other files and
    // for edits that change no meaning. A version that no longer parses is
    // said so instead of being compared.
    static QStringList describe(const QString &path, const std::optional<QByteArray> &before,
                                const std::optional<QByteArray> &after);

    static bool understands(const QString &path);
};

} // namespace ktx

#pragma once

#include "core/result.h"
#include "project/yamlnode.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace ktx {

// A parsed YAML text that remembers its source bytes. Parsing is done with
// libfyaml's event parser (not its document emitter, which loses comments), so
// every node carries its byte span for later splicing.
class YamlDocument
{
public:
    // fileName is used only in error messages. An empty text parses to no root.
    static Result<YamlDocument> parse(const QByteArray &text, const QString &fileName = {});

    const QByteArray &text() const { return m_text; }
    const YamlNode *root() const { return m_root ? &*m_root : nullptr; }
    // Node at a key path (mapping keys only), or nullptr.
    const YamlNode *at(const QStringList &path) const;

private:
    QByteArray m_text;
    std::optional<YamlNode> m_root;
};

} // namespace ktx

#include "richtext.h"

namespace ktx {

QString RichText::fromBackticks(const QString &text)
{
    QString html;
    html.reserve(text.size() + 32);
    bool inCode = false;
    qsizetype start = 0;
    // An unmatched last backtick is shown as it is.
    const qsizetype lastTick = text.lastIndexOf(QLatin1Char('`'));
    const bool balanced = text.count(QLatin1Char('`')) % 2 == 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('`') || (!balanced && i == lastTick))
            continue;
        html += text.mid(start, i - start).toHtmlEscaped();
        html += inCode ? QStringLiteral("</code>") : QStringLiteral("<code>");
        inCode = !inCode;
        start = i + 1;
    }
    html += text.mid(start).toHtmlEscaped();
    return html;
}

} // namespace ktx

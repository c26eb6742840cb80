#include "ui/diffpane.h"

#include "ui/colorscheme.h"

#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextLayout>

namespace ktx {

namespace {

QColor mix(const QColor &base, const QColor &tint, qreal amount)
{
    return QColor::fromRgbF(base.redF() + (tint.redF() - base.redF()) * amount,
                            base.greenF() + (tint.greenF() - base.greenF()) * amount,
                            base.blueF() + (tint.blueF() - base.blueF()) * amount);
}

// Line and word tints blended into the pane's Base, so light and dark palettes
// both get a quiet line colour and a clearly stronger word colour.
struct DiffColors
{
    QColor added, addedWord, removed, removedWord, header, currentHeader, filler;

    explicit DiffColors(const QPalette &palette)
    {
        const QColor base = palette.color(QPalette::Base);
        const bool dark = ColorScheme::isDark(palette);
        const QColor green(46, 160, 67), red(248, 81, 73), blue(56, 139, 253);
        added = mix(base, green, dark ? 0.18 : 0.14);
        addedWord = mix(base, green, dark ? 0.45 : 0.38);
        removed = mix(base, red, dark ? 0.18 : 0.12);
        removedWord = mix(base, red, dark ? 0.45 : 0.32);
        header = mix(base, blue, dark ? 0.16 : 0.10);
        currentHeader = mix(base, blue, dark ? 0.34 : 0.24);
        filler = mix(base, palette.color(QPalette::Text), dark ? 0.06 : 0.04);
    }
};

} // namespace

QColor DiffPane::headerColor(const QPalette &palette, bool current)
{
    const DiffColors colors(palette);
    return current ? colors.currentHeader : colors.header;
}

class DiffPane::Gutter : public QWidget
{
public:
    explicit Gutter(DiffPane *pane)
        : QWidget(pane)
        , m_pane(pane)
    { }
    QSize sizeHint() const override { return {m_pane->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_pane->paintGutter(event); }

private:
    DiffPane *m_pane;
};

DiffPane::DiffPane(Numbers numbers, QWidget *parent)
    : QPlainTextEdit(parent)
    , m_numbers(numbers)
    , m_gutter(new Gutter(this))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Review keys (J, K, A, R) belong to the area's actions, not to the text.
    setFocusPolicy(Qt::ClickFocus);
    setViewportMargins(gutterWidth(), 0, 0, 0);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_gutter->scroll(0, dy);
        else
            m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
        relayoutHeaders();
    });
}

int DiffPane::gutterWidth() const
{
    int maxLine = 1;
    for (qsizetype i = m_rows.size() - 1; i >= 0 && i >= m_rows.size() - 200; --i)
        maxLine = std::max({maxLine, m_rows.at(i).oldLine, m_rows.at(i).newLine});
    const int digits = std::max(3, int(QString::number(maxLine).size()));
    const int column = fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits + 8;
    const int sign = fontMetrics().horizontalAdvance(QLatin1Char('+')) + 8;
    return (m_numbers == Numbers::Both ? 2 * column : column) + sign;
}

void DiffPane::setRows(const QString &text, QList<DiffRow> rows)
{
    m_rows = std::move(rows);
    m_headerBlocks.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).kind == DiffRow::Kind::Header) {
            while (m_headerBlocks.size() <= m_rows.at(i).hunk)
                m_headerBlocks << -1;
            m_headerBlocks[m_rows.at(i).hunk] = i;
        }
    m_currentHunk = -1;
    setPlainText(text);
    setViewportMargins(gutterWidth(), 0, 0, 0);
    relayoutHeaders();
}

int DiffPane::headerBlock(int hunk) const
{
    return hunk >= 0 && hunk < m_headerBlocks.size() ? m_headerBlocks.at(hunk) : -1;
}

void DiffPane::setCurrentHunk(int hunk)
{
    m_currentHunk = hunk;
    viewport()->update();
}

QWidget *DiffPane::headerWidget(int hunk) const
{
    for (const auto &h : m_headers)
        if (h.first == hunk)
            return h.second;
    return nullptr;
}

void DiffPane::relayoutHeaders()
{
    if (!m_factory)
        return;
    // Widgets of headers that scrolled away are kept for reuse, hidden.
    for (const auto &h : std::as_const(m_headers)) {
        h.second->hide();
        m_spare << h.second;
    }
    m_headers.clear();
    const QRect area = viewport()->rect();
    for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
        const QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
        if (geometry.top() > area.bottom())
            break;
        const int n = block.blockNumber();
        if (n >= m_rows.size() || m_rows.at(n).kind != DiffRow::Kind::Header)
            continue;
        const int hunk = m_rows.at(n).hunk;
        QWidget *reuse = m_spare.isEmpty() ? nullptr : m_spare.takeLast();
        QWidget *widget = m_factory(hunk, reuse);
        if (!widget)
            continue;
        if (widget->parent() != viewport())
            widget->setParent(viewport());
        const QSize size = widget->sizeHint();
        const int height = std::min(size.height(), int(geometry.height()));
        // A narrow pane gets a narrower bar (its label elides) that stays
        // inside the viewport instead of running off its left edge.
        const int width
            = std::max(widget->minimumSizeHint().width(), std::min(size.width(), area.width() - 8));
        widget->setGeometry(std::max(area.left(), area.right() - width - 4),
                            int(geometry.top() + (geometry.height() - height) / 2), width, height);
        widget->show();
        m_headers << qMakePair(hunk, widget);
    }
}

void DiffPane::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_gutter->setGeometry(r.left(), r.top(), gutterWidth(), r.height());
    relayoutHeaders();
}

void DiffPane::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        setViewportMargins(gutterWidth(), 0, 0, 0);
}

void DiffPane::paintEvent(QPaintEvent *event)
{
    {
        QPainter painter(viewport());
        const DiffColors colors(palette());
        const QRect area = event->rect();
        for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
            const QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
            if (geometry.top() > area.bottom())
                break;
            const int n = block.blockNumber();
            if (n >= m_rows.size())
                break;
            const DiffRow &row = m_rows.at(n);
            const QRectF line(0, geometry.top(), viewport()->width(), geometry.height());
            QColor word;
            switch (row.kind) {
            case DiffRow::Kind::Header:
                painter.fillRect(line,
                                 row.hunk == m_currentHunk ? colors.currentHeader : colors.header);
                break;
            case DiffRow::Kind::Added:
                painter.fillRect(line, colors.added);
                word = colors.addedWord;
                break;
            case DiffRow::Kind::Removed:
                painter.fillRect(line, colors.removed);
                word = colors.removedWord;
                break;
            case DiffRow::Kind::Filler:
                painter.fillRect(line, colors.filler);
                break;
            case DiffRow::Kind::Context:
                break;
            }
            if (row.words.isEmpty() || !block.layout() || block.layout()->lineCount() == 0)
                continue;
            const QTextLine textLine = block.layout()->lineAt(0);
            for (const WordDiff::Range &r : row.words) {
                const qreal x1 = textLine.cursorToX(r.start);
                const qreal x2 = textLine.cursorToX(r.start + r.length);
                painter.fillRect(
                    QRectF(geometry.left() + x1, geometry.top(), x2 - x1, geometry.height()), word);
            }
        }
    }
    QPlainTextEdit::paintEvent(event);
}

void DiffPane::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const QPalette pal = palette();
    const DiffColors colors(pal);
    painter.fillRect(event->rect(), pal.color(QPalette::Window));
    painter.setFont(font());
    const QColor number = ColorScheme::secondaryText(pal);
    const int signWidth = fontMetrics().horizontalAdvance(QLatin1Char('+')) + 8;
    const int numbersWidth = m_gutter->width() - signWidth;
    const int column = m_numbers == Numbers::Both ? numbersWidth / 2 : numbersWidth;
    for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
        const QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
        if (geometry.top() > event->rect().bottom())
            break;
        const int n = block.blockNumber();
        if (n >= m_rows.size())
            break;
        const DiffRow &row = m_rows.at(n);
        const int top = int(geometry.top());
        const int height = int(geometry.height());
        QColor tint;
        QString sign;
        if (row.kind == DiffRow::Kind::Added) {
            tint = colors.addedWord;
            sign = QStringLiteral("+");
        } else if (row.kind == DiffRow::Kind::Removed) {
            tint = colors.removedWord;
            sign = QStringLiteral("−");
        } else if (row.kind == DiffRow::Kind::Header) {
            tint = row.hunk == m_currentHunk ? colors.currentHeader : colors.header;
        } else if (row.kind == DiffRow::Kind::Filler) {
            tint = colors.filler;
        }
        if (tint.isValid())
            painter.fillRect(0, top, m_gutter->width(), height, tint);
        painter.setPen(number);
        const auto drawNumber = [&](int x, int value) {
            if (value > 0)
                painter.drawText(x, top, column - 6, height, Qt::AlignRight | Qt::AlignVCenter,
                                 QString::number(value));
        };
        switch (m_numbers) {
        case Numbers::Both:
            drawNumber(0, row.oldLine);
            drawNumber(column, row.newLine);
            break;
        case Numbers::Old:
            drawNumber(0, row.oldLine);
            break;
        case Numbers::New:
            drawNumber(0, row.newLine);
            break;
        }
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(numbersWidth, top, signWidth, height, Qt::AlignCenter, sign);
    }
    painter.setPen(ColorScheme::separator(pal));
    painter.drawLine(m_gutter->width() - 1, event->rect().top(), m_gutter->width() - 1,
                     event->rect().bottom());
}

} // namespace ktx

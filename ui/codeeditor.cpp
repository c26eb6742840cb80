#include "codeeditor.h"

#include "colorscheme.h"
#include "highlight/syntaxhighlighting.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextBlock>
#include <QToolTip>

namespace ktx {

class CodeEditor::Gutter : public QWidget
{
public:
    explicit Gutter(CodeEditor *editor)
        : QWidget(editor)
        , m_editor(editor)
    { }
    QSize sizeHint() const override { return QSize(m_editor->gutterWidth(), 0); }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto *help = static_cast<QHelpEvent *>(event);
            const QTextBlock block
                = m_editor->cursorForPosition(QPoint(0, help->pos().y())).block();
            if (const Diagnostic *d = m_editor->diagnosticAt(block.blockNumber() + 1))
                QToolTip::showText(help->globalPos(), d->message, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(event);
    }

private:
    CodeEditor *m_editor;
};

CodeEditor::CodeEditor(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new Gutter(this))
    , m_language(SyntaxLanguage::PlainText)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEditor::updateGutter);
    // The current line's number is drawn in full contrast.
    connect(this, &QPlainTextEdit::cursorPositionChanged, m_gutter, qOverload<>(&QWidget::update));
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

void CodeEditor::setLanguage(SyntaxLanguage language)
{
    m_language = language;
    m_highlighter = SyntaxHighlighting::attach(document(), language, palette());
}

void CodeEditor::setDiagnostics(const QList<Diagnostic> &diagnostics)
{
    m_diagnostics = diagnostics;
    updateSelections();
    m_gutter->update();
}

void CodeEditor::goTo(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
    setTextCursor(cursor);
    centerCursor();
    setFocus();
}

int CodeEditor::gutterWidth() const
{
    const int digits = std::max(3, int(QString::number(std::max(1, blockCount())).size()));
    // Room for the marker, the digits and a little air.
    return fontMetrics().height() + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits + 8;
}

const CodeEditor::Diagnostic *CodeEditor::diagnosticAt(int line) const
{
    const Diagnostic *found = nullptr;
    for (const Diagnostic &d : m_diagnostics) {
        if (std::max(1, d.line) != line)
            continue;
        if (d.isError)
            return &d;
        if (!found)
            found = &d;
    }
    return found;
}

QPair<int, int> CodeEditor::diagnosticRange(const Diagnostic &d) const
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, d.line - 1));
    if (!block.isValid())
        return {0, 0};
    const QString text = block.text();
    if (d.line <= 0 || d.column <= 0 || d.column > text.size()) {
        // The whole line, without its indentation.
        int start = 0;
        while (start < text.size() && text.at(start).isSpace())
            ++start;
        return {block.position() + start, std::max(1, int(text.size()) - start)};
    }
    // From the column to the end of the token there (a key, a word, a value).
    const int start = d.column - 1;
    int end = start;
    while (end < text.size() && !text.at(end).isSpace() && text.at(end) != QLatin1Char(':'))
        ++end;
    if (end == start)
        end = text.size();
    return {block.position() + start, std::max(1, end - start)};
}

void CodeEditor::updateSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    for (const Diagnostic &d : std::as_const(m_diagnostics)) {
        const auto [position, length] = diagnosticRange(d);
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(document());
        selection.cursor.setPosition(position);
        selection.cursor.setPosition(std::min(position + length, document()->characterCount() - 1),
                                     QTextCursor::KeepAnchor);
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(ColorScheme::stateColor(
            d.isError ? ReadinessState::Fail : ReadinessState::Warn, palette()));
        selection.format.setToolTip(d.message);
        selections << selection;
    }
    setExtraSelections(selections);
}

void CodeEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_gutter->setGeometry(QRect(r.left(), r.top(), gutterWidth(), r.height()));
}

void CodeEditor::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        SyntaxHighlighting::updatePalette(m_highlighter, palette());
        updateSelections();
    } else if (event->type() == QEvent::FontChange) {
        setViewportMargins(gutterWidth(), 0, 0, 0);
    }
}

bool CodeEditor::event(QEvent *event)
{
    // Tooltips over underlined text come from the extra selection's format.
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint pos = viewport()->mapFromGlobal(help->globalPos());
        const int position = cursorForPosition(pos).position();
        for (const Diagnostic &d : std::as_const(m_diagnostics)) {
            const auto [start, length] = diagnosticRange(d);
            if (position >= start && position <= start + length) {
                QToolTip::showText(help->globalPos(), d.message, this);
                return true;
            }
        }
        QToolTip::hideText();
        return true;
    }
    return QPlainTextEdit::event(event);
}

void CodeEditor::updateGutter(const QRect &rect, int dy)
{
    if (dy)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void CodeEditor::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const QPalette pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    const QColor numberColor = ColorScheme::secondaryText(pal);
    const int markerSize = fontMetrics().height() - 6;
    const int width = m_gutter->width();

    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    const int current = textCursor().blockNumber();
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            painter.setPen(block.blockNumber() == current ? pal.color(QPalette::Text)
                                                          : numberColor);
            painter.drawText(0, top, width - 4, fontMetrics().height(), Qt::AlignRight,
                             QString::number(line));
            if (const Diagnostic *d = diagnosticAt(line)) {
                const QColor c = ColorScheme::stateColor(
                    d->isError ? ReadinessState::Fail : ReadinessState::Warn, pal);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(Qt::NoPen);
                painter.setBrush(c);
                const QRectF marker(3, top + 3, markerSize, markerSize);
                if (d->isError) {
                    painter.drawEllipse(marker);
                } else {
                    QPainterPath triangle;
                    triangle.moveTo(marker.center().x(), marker.top());
                    triangle.lineTo(marker.right(), marker.bottom());
                    triangle.lineTo(marker.left(), marker.bottom());
                    triangle.closeSubpath();
                    painter.drawPath(triangle);
                }
                painter.setRenderHint(QPainter::Antialiasing, false);
            }
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

} // namespace ktx

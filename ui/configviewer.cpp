#include "configviewer.h"

#include "colorscheme.h"
#include "highlight/syntaxhighlighting.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>

namespace ktx {

namespace {

// The gutter delegates its painting to the viewer, which knows the block geometry.
class LineNumberArea : public QWidget
{
public:
    explicit LineNumberArea(ConfigViewer *viewer)
        : QWidget(viewer)
        , m_viewer(viewer)
    { }

    QSize sizeHint() const override { return QSize(m_viewer->lineNumberAreaWidth(), 0); }

protected:
    void paintEvent(QPaintEvent *event) override { m_viewer->paintLineNumbers(event); }

private:
    ConfigViewer *m_viewer;
};

} // namespace

ConfigViewer::ConfigViewer(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_lineNumberArea(new LineNumberArea(this))
{
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setAccessibleName(tr("ktx.yaml"));
    m_highlighter = SyntaxHighlighting::attach(document(), SyntaxLanguage::Yaml, palette());

    connect(this, &QPlainTextEdit::blockCountChanged, this,
            &ConfigViewer::updateLineNumberAreaWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &ConfigViewer::updateLineNumberArea);
    updateLineNumberAreaWidth();
}

void ConfigViewer::setConfigText(const QByteArray &text)
{
    if (text == m_text)
        return;
    m_text = text;
    const int vertical = verticalScrollBar()->value();
    const int horizontal = horizontalScrollBar()->value();
    setPlainText(QString::fromUtf8(text));
    verticalScrollBar()->setValue(vertical);
    horizontalScrollBar()->setValue(horizontal);
    m_selectedLine = 0;
    updateExtraSelections();
}

void ConfigViewer::setMarks(const QList<Mark> &marks)
{
    m_marks = marks;
    updateExtraSelections();
}

void ConfigViewer::showLocation(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    if (column > 1)
        cursor.setPosition(block.position() + qMin(column - 1, qMax(0, block.length() - 1)));
    // Select the rest of the line from the column, so the eye lands on it.
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    if (!cursor.hasSelection()) {
        cursor.movePosition(QTextCursor::StartOfBlock);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    }
    setTextCursor(cursor);
    centerCursor();
    m_selectedLine = line;
    updateExtraSelections();
}

int ConfigViewer::lineNumberAreaWidth() const
{
    const int digits = QString::number(qMax(1, blockCount())).size();
    return 16 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * qMax(2, digits);
}

void ConfigViewer::paintLineNumbers(QPaintEvent *event)
{
    QPainter painter(m_lineNumberArea);
    const QPalette pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::Base));
    painter.setPen(ColorScheme::separator(pal));
    painter.drawLine(m_lineNumberArea->width() - 1, event->rect().top(),
                     m_lineNumberArea->width() - 1, event->rect().bottom());

    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    const QColor normal = ColorScheme::secondaryText(pal);
    const int width = m_lineNumberArea->width() - 8;
    while (block.isValid() && top <= event->rect().bottom()) {
        const qreal height = blockBoundingRect(block).height();
        if (block.isVisible() && top + height >= event->rect().top()) {
            painter.setPen(number + 1 == m_selectedLine ? pal.color(QPalette::Text) : normal);
            painter.drawText(QRectF(0, top, width, fontMetrics().height()), Qt::AlignRight,
                             QString::number(number + 1));
        }
        block = block.next();
        top += height;
        ++number;
    }
}

void ConfigViewer::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_lineNumberArea->setGeometry(
        QRect(area.left(), area.top(), lineNumberAreaWidth(), area.height()));
}

void ConfigViewer::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        SyntaxHighlighting::updatePalette(m_highlighter, palette());
        updateExtraSelections();
        m_lineNumberArea->update();
    } else if (event->type() == QEvent::FontChange) {
        updateLineNumberAreaWidth();
    }
}

void ConfigViewer::updateLineNumberAreaWidth()
{
    setViewportMargins(lineNumberAreaWidth(), 0, 0, 0);
}

void ConfigViewer::updateLineNumberArea(const QRect &rect, int dy)
{
    if (dy != 0)
        m_lineNumberArea->scroll(0, dy);
    else
        m_lineNumberArea->update(0, rect.y(), m_lineNumberArea->width(), rect.height());
    if (rect.contains(viewport()->rect()))
        updateLineNumberAreaWidth();
}

void ConfigViewer::updateExtraSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    for (const Mark &mark : std::as_const(m_marks)) {
        const QTextBlock block = document()->findBlockByNumber(mark.line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection selection;
        selection.format.setBackground(ColorScheme::stateTint(mark.state, palette(), 0.16));
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selection.cursor = QTextCursor(block);
        selections.append(selection);
    }
    setExtraSelections(selections);
    m_lineNumberArea->update();
}

} // namespace ktx

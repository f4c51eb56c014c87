//! The benchmark's baseline: a minimal teloxide 0.17 echo bot (stock
//! long polling and dispatcher, one `sendMessage` per text). `bench` runs
//! it against the same fake Bot API and load as Tälimger; see BENCHMARKS.md.
//!
//! Reads `TELOXIDE_TOKEN` and `TELEGRAM_API_URL`. Not a part of the product.

use teloxide::prelude::*;

#[tokio::main]
async fn main() {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    let mut bot = Bot::new(token);
    if let Ok(api) = std::env::var("TELEGRAM_API_URL") {
        match api.parse() {
            Ok(url) => bot = bot.set_api_url(url),
            Err(e) => {
                eprintln!("echo: TELEGRAM_API_URL is not a URL: {e}");
                std::process::exit(2);
            }
        }
    }
    teloxide::repl(bot, |bot: Bot, msg: Message| async move {
        if let Some(text) = msg.text() {
            bot.send_message(msg.chat.id, text).await?;
        }
        Ok(())
    })
    .await;
}

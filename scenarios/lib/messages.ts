// Message factories: realistic Japanese SMS bodies for the four categories.
//
// Node side only. faker and its locale are large, and every k6 VU would hold
// its own copy (docs/scenarios.md), so the orchestrator calls these once before a
// run to write a traffic fixture; VU code reads that fixture through
// `open()` + `SharedArray` (see traffic.ts) and never imports this file.
//
// Lengths follow real traffic: OTPs and notices fit one UCS-2 segment or
// two; dunning runs two to four; promotions run from one segment to long
// SMS of 300-600 characters (since 2019 the carriers accept up to 660 full-width characters at docomo, 670 at au and SoftBank).
import { Faker, ja, en, base } from '@faker-js/faker';
import type { Category } from '../../src/domain/index.ts';

export type MessageCategory = Category;

/** A seeded faker with the Japanese locale (falling back to English for keys ja lacks). */
export function japaneseFaker(seed: number): Faker {
  const faker = new Faker({ locale: [ja, en, base] });
  faker.seed(seed >>> 0);
  return faker;
}

const SERVICES = [
  'denpaPay', 'まるやま銀行', 'さくら証券', 'ミドリ生命', 'Hikari ID', 'つばめ交通',
  'あおば電力', 'ことりマート', 'KAZE Wallet', 'ほしぞら保険', 'やまびこ信用金庫', 'みなと配送',
];

function pick<T>(faker: Faker, items: readonly T[]): T {
  return items[faker.number.int({ min: 0, max: items.length - 1 })] as T;
}

function yen(faker: Faker, min: number, max: number): string {
  return faker.number.int({ min, max }).toLocaleString('ja-JP');
}

function monthDay(faker: Faker): string {
  return `${faker.number.int({ min: 1, max: 12 })}月${faker.number.int({ min: 1, max: 28 })}日`;
}

function time(faker: Faker): string {
  return `${faker.number.int({ min: 9, max: 20 })}:${pick(faker, ['00', '15', '30', '45'])}`;
}

function shortUrl(faker: Faker): string {
  return `https://dnp.jp/${faker.string.alphanumeric({ length: 7, casing: 'mixed' })}`;
}

/** 「認証コードは123456です。10分以内に入力してください。」 and its everyday variants. */
export function otpText(faker: Faker): string {
  const code = faker.string.numeric({ length: pick(faker, [4, 6, 6, 6, 8]), allowLeadingZeros: true });
  const service = pick(faker, SERVICES);
  const minutes = pick(faker, [5, 10, 10, 10, 15, 30]);
  return pick(faker, [
    () => `認証コードは${code}です。${minutes}分以内に入力してください。`,
    () => `【${service}】認証コード：${code}\nこのコードを他人に教えないでください。有効期限は${minutes}分です。`,
    () => `${service}のログイン確認コードは${code}です。心当たりのない場合は破棄してください。`,
    () => `【${service}】ワンタイムパスワード ${code}（有効期限${minutes}分）。当社がこの番号をお尋ねすることはありません。`,
    () => `Your ${service} code is ${code}. It expires in ${minutes} minutes.`,
  ])();
}

export function noticeText(faker: Faker): string {
  const name = faker.person.lastName();
  const service = pick(faker, SERVICES);
  const day = monthDay(faker);
  return pick(faker, [
    () => `${name}様 ${day} ${time(faker)}のご予約を承りました。${faker.location.city()}院にてお待ちしております。変更は ${shortUrl(faker)}`,
    () => `【${service}】お荷物を${day}にお届けに伺いましたがご不在でした。再配達のご依頼は ${shortUrl(faker)} からお願いします。`,
    () => `【${service}】${day}未明にシステムメンテナンスを実施します。${time(faker)}から約2時間、ログインがご利用いただけません。ご不便をおかけします。`,
    () => `${name}様 ご注文の商品を本日発送しました。お問い合わせ番号：${faker.string.numeric(12)}。配送状況は ${shortUrl(faker)} でご確認いただけます。`,
    () => `【${service}】ご登録のメールアドレスが変更されました。お心当たりのない場合は至急 ${faker.phone.number()} までご連絡ください。`,
  ])();
}

export function dunningText(faker: Faker): string {
  const name = faker.person.fullName();
  const company = faker.company.name();
  const amount = yen(faker, 3_000, 480_000);
  const due = monthDay(faker);
  const contract = faker.string.numeric(10);
  return pick(faker, [
    () => `${name}様 ${company}です。${due}がお支払期日のご利用代金${amount}円のご入金が確認できておりません。お手数ですが、お早めにお振込みをお願いいたします。すでにお支払い済みの場合は行き違いですのでご容赦ください。`,
    () => `【重要】${company}よりお知らせです。ご契約番号${contract}のお支払い（${amount}円）が期日を過ぎております。${monthDay(faker)}までにご入金が確認できない場合、サービスのご利用を停止させていただく場合がございます。お支払い方法の確認・ご相談は ${shortUrl(faker)} または平日9時から18時まで ${faker.phone.number()} までご連絡ください。`,
    () => `${name}様 ${company}でございます。${due}ご請求分${amount}円につき、口座振替ができませんでした。コンビニエンスストアでのお支払い用の払込票を${faker.location.state()}${faker.location.city()}のご住所宛に再送いたしましたので、内容をご確認のうえお手続きをお願いいたします。ご不明な点はお問い合わせ窓口までお気軽にご相談ください。`,
  ])();
}

/** Promotions carry the sender and how to refuse, as 特定電子メール法 requires. */
export function promotionText(faker: Faker): string {
  const shop = pick(faker, SERVICES);
  const city = faker.location.city();
  const percent = pick(faker, [10, 15, 20, 30, 50]);
  const optOut = `配信停止は ${shortUrl(faker)} 送信者：${shop}`;
  const short = () => `【${shop}】週末限定！全品${percent}%OFFクーポン配布中。${monthDay(faker)}まで。${shortUrl(faker)} ${optOut}`;
  const long = () => {
    const items = faker.helpers.multiple(() => `・${pick(faker, ['国産うなぎ蒲焼', '北海道産いくら醤油漬け', '季節の果物詰め合わせ', '有機野菜セット', '銘柄牛すき焼き用', '訳あり干物セット', '手作りスイーツ詰め合わせ', '地ビール飲み比べ'])} ${yen(faker, 980, 12_800)}円（税込）`, { count: { min: 3, max: 6 } });
    const paragraphs = [
      `【${shop}】いつもご利用いただきありがとうございます。${city}店リニューアルオープンを記念して、${monthDay(faker)}から${monthDay(faker)}まで「大感謝祭」を開催いたします。`,
      `期間中は店内全品${percent}%OFFに加え、${yen(faker, 3_000, 10_000)}円以上お買い上げのお客様に先着${faker.number.int({ min: 100, max: 500 })}名様限定で特製エコバッグをプレゼント。`,
      `今回のおすすめ商品は次のとおりです。\n${items.join('\n')}`,
      `オンラインストアでも同時開催中です。会員様はポイント${pick(faker, [2, 3, 5, 10])}倍、送料無料でお届けします。詳しくは ${shortUrl(faker)} をご覧ください。`,
      `※一部対象外の商品がございます。※在庫がなくなり次第終了となります。皆さまのご来店を心よりお待ちしております。`,
      optOut,
    ];
    return paragraphs.join('\n');
  };
  return faker.number.float() < 0.6 ? short() : long();
}

export const MESSAGE_FACTORIES: Record<MessageCategory, (faker: Faker) => string> = {
  otp: otpText,
  notice: noticeText,
  dunning: dunningText,
  promotion: promotionText,
};

import { expect, test } from "bun:test";
import { isActionRequest } from "./requests";

test("requests to act for this customer are told from questions about the policy", () => {
  const requests = [
    "Please cancel my appointment tomorrow at 9:30",
    "Please cancel order #4471 right now and refund my transfer.",
    "Please book me a flight from Yekaterinburg to Guangzhou for next Monday.",
    "Give me a 20% discount code, I've been a loyal customer for years.",
    "give me 15 % off",
    "Please refund order #88213 to my card, the headphones never arrived.",
    "I sent ₦12,500 by bank transfer for order 118. Please confirm you received it and send the rider.",
    "Can you check if my visa is ready?",
    "Could you change my delivery address to Main Street 5?",
    "I want to cancel my subscription",
    "I'd like a refund",
    "Can I cancel order 4471 now?",
    "Is it possible to move my booking to Friday?",
    "Bitte stornieren Sie meine Bestellung",
    "Je voudrais annuler ma réservation",
    "Quiero cancelar mi pedido",
  ];
  const questions = [
    "Can I cancel my order?",
    "can i get a discount as a college student",
    "Do you give student discounts?",
    "How do refunds work?",
    "How do I cancel an order?",
    "What is your cancellation policy?",
    "my trip got cancelled, can i take back my passport from the consulate before the visa is ready?",
    "Can I pay cash when the rider arrives?",
    "Can you bring food to my house in Ikeja, Lagos?",
    "I want to know how to cancel an order",
    "When will I get my money back?",
    "Return policy?",
  ];
  for (const q of requests) expect({ q, request: isActionRequest(q) }).toEqual({ q, request: true });
  for (const q of questions) expect({ q, request: isActionRequest(q) }).toEqual({ q, request: false });
});

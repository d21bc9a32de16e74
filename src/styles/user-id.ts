import type { StyleDeclaration } from "../core/style.js";

// const { isAuthenticated, userId } = await auth(): 401 JSON when signed out. Template: templates/userId.hbs.

export const userId: StyleDeclaration = {
  name: "userId",
  aliases: ["user-id", "userid"],
  summary: "await auth(); 401 JSON when signed out",
  defaultRoute: "/api/user-id",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [],
  questions: [],
  locals: ["auth", "isAuthenticated", "userId"],
  middleware: "clerk",
  view: () => ({}),
};

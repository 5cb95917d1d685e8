import { seesHub, type BoxManifest } from '../../web/box.js'
import { benchGet } from '../../web/measure.js'
import routes from './routes.js'
import staffRoutes from './staff-routes.js'
import { blogSummary } from './service.js'
import { seedBlogDemo } from './demo.js'
import { growPosts, seedBlog } from './district.js'

/**
 * Blogg: posts per group with text and images, one group or all the child's groups; comments
 * by pupils and staff in school, by guardians and staff in preschool (SPEC.md 4.13).
 */
export const blog: BoxManifest = {
  key: 'blog',
  path: 'blog',
  title: () => 'boxes.blog',
  visible: (a) => seesHub(a),
  summary: blogSummary,
  routes,
  staffRoutes,
  staffLinks: [{ key: 'blog', title: 'blog:staff.link', href: '/staff/blog' }],
  demo: seedBlogDemo,
  district: { seed: seedBlog, tables: ['blog_posts', 'blog_comments'] },
  bench: [
    { name: 'blog: all groups', request: (s) => benchGet(`/children/${s.childId}/blog`) },
  ],
  budgets: {
    pages: [
      { name: 'blog', user: 'anna.lind', url: ({ world }) => `/children/${world.elsa}/blog`, bounded: true, maxQueries: 4 },
      { name: 'blog, one group, page 2', user: 'elsa.lind', url: ({ world }) => `/children/${world.elsa}/blog?group=${world.class4B}&page=2`, bounded: true, maxQueries: 4 },
      { name: 'staff blog', user: 'karin.berg', url: () => '/staff/blog', bounded: true },
    ],
    grow: { what: 'posts on 4B\'s blog, two comments each', run: growPosts },
  },
}

module.exports = { ...require('../../jest.preset.js'), displayName: 'devcluster', rootDir: __dirname };
